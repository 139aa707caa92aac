/**
 * The one owner of index state for the embedding set in use (model + dimension + pipeline version):
 * the SQLite rows (store/) and the in-memory vectors (index/) change together, here and nowhere else.
 * Other sets' vectors may be stored beside it (a change of model under way, or a model used before);
 * `changeOver` moves search to another set once it is complete.
 *
 * Every write goes to SQLite first, in one transaction per file, and only then to memory, using the
 * vectors the caller already holds: nothing is read back after being written. After a kill -9 the
 * database holds each file fully or not at all, and memory is rebuilt from it at the next open.
 *
 * Reads are named for those who ask (stored-index.ts); nobody else sees the store. The vector files
 * saved beside the database are written, read and deleted here and nowhere else.
 */
import { rmSync } from 'node:fs';
import type { IndexProgress } from '../../shared/types';
import type { Embedder } from '../embed/types';
import { IndexStore } from '../store/index-store';
import type { ChunkToStore, FileFacts, FolderRow, IndexedFileRow } from '../store/rows';
import { blobToVector } from '../vectors/blob';
import { loadVectors, saveVectors, VectorFileRejected } from '../vectors/vector-file';
import { VectorIndex, type FloatRows, type VectorIndexOptions } from '../vectors/vector-index';
import { embedMissing, type ReembedOptions } from './reembed';
import { StoredIndex } from './stored-index';

/** Save the in-memory index this long after the last write (a burst of writes saves once). */
const SAVE_AFTER_MS = 15_000;

/** One passage found by the vector side of search. */
export interface ChunkScore {
  chunkId: number;
  fileId: number;
  /** Cosine similarity (exact float32). */
  score: number;
}

/** Which vectors a corpus holds: one model, at one dimension, made by one version of the pipeline. */
export interface EmbeddingSetKey {
  modelId: string;
  dimension: number;
  pipelineVersion: number;
}

export interface CorpusOptions extends Pick<VectorIndexOptions, 'graphFrom'> {
  /**
   * From this many stored passages, fill memory from SQLite (when the vector file cannot be used) a
   * page of files at a time between other work, searches answered from what is loaded so far; `ready`
   * resolves when it is complete. Below it, and by default, at once before `open` returns.
   */
  backgroundFrom?: number;
}

/** Files read from SQLite per step of a background load (≈ 40 ms of work at 8 passages a file). */
const LOAD_PAGE_FILES = 500;

/** How the in-memory index was filled at open: from the saved vector file, or from SQLite (and why). */
export interface CorpusLoad {
  from: 'vector file' | 'database';
  /** Why the vector file was not used (absent, stale after a crash, damaged), when it was not. */
  reason?: string;
  seconds: number;
}

/** How search runs over the in-memory rows now: loading, the graph, how memory was filled. */
export interface SearchIndexState {
  passages: number;
  /** A load from SQLite under way in the background (searches answer from what is loaded). */
  loading: { done: number; total: number } | null;
  /** none: the exact scan answers; building: the scan answers while the graph is built; ready. */
  graph: 'none' | 'building' | 'ready';
  graphPassages: number;
  loaded: CorpusLoad;
}

export class Corpus extends StoredIndex {
  private index!: VectorIndex;
  private floats!: FloatRows;
  private set: { id: number; dimension: number; modelId: string };
  /** Counts every change to what is stored; caches derived from the index (spelling's vocabulary) compare it. */
  changes = 0;
  /** How the current set's index was filled. */
  loaded!: CorpusLoad;
  /** The stamp after this corpus's own last write, and the stamp of the file on disk. */
  private stamps = { written: '', saved: '' };
  /** Someone else wrote this set since it was loaded (a CLI on the same file): never save memory over it. */
  private diverged = false;
  /** Whether the file on disk holds the graph (a big index's graph finishing is worth a save of its own). */
  private savedGraph = false;
  /** Files taken out of memory but still stored (hidden): memory ≠ database until they come back or go. */
  private hidden = new Set<number>();
  private saveTimer: NodeJS.Timeout | null = null;
  /** A load from SQLite under way in the background: passages loaded of how many. */
  private loading: { done: number; total: number } | null = null;
  /** Resolves when memory holds every stored vector of the set (at once unless loading in the background). */
  ready: Promise<void> = Promise.resolve();

  private constructor(
    store: IndexStore,
    key: EmbeddingSetKey,
    private readonly indexOptions: CorpusOptions,
    /** Whether close() closes the store too (it was opened here). */
    private readonly ownsStore: boolean,
  ) {
    super(store);
    this.set = { id: store.sets.embeddingSet(key.modelId, key.dimension, key.pipelineVersion), dimension: key.dimension, modelId: key.modelId };
    // Opened with a model used before (or whose change-over was interrupted after its last batch): every
    // file whose passages all have its vectors is searchable at once, nothing embedded again.
    store.sets.adoptCompleteFiles(this.set.id);
    this.load(this.set.id, key.dimension);
  }

  /** The corpus for `key` in `store` (created on first use), with its stored vectors loaded into memory. The caller closes the store. */
  static open(store: IndexStore, key: EmbeddingSetKey, options: CorpusOptions = {}): Corpus {
    return new Corpus(store, key, options, false);
  }

  /** The corpus for `key` in the index database `file` (created if missing); close() closes the database too. */
  static openFile(file: string, key: EmbeddingSetKey, options: CorpusOptions = {}): Corpus {
    const store = new IndexStore(file);
    try {
      return new Corpus(store, key, options, true);
    } catch (err) {
      store.close();
      throw err;
    }
  }

  /**
   * One set's vectors in memory, searchable: from the vector file saved beside the database when its
   * stamp says it holds exactly what SQLite holds (one sequential read), else from SQLite row by row —
   * then saved, so the next start reads the file.
   */
  private load(setId: number, dimension: number): void {
    const t0 = performance.now();
    const sets = this.store.sets;
    // int8 rows in memory; candidates are rescored exactly from the float32 vectors SQLite already
    // holds, so a million passages cost ~400 MB of RAM instead of 1.5 GB (src/core/vectors).
    const floats = sets.floatRows(setId, dimension);
    const file = sets.vectorFile(setId);
    const stamp = sets.stamp(setId);
    this.forget({ counts: true });
    this.hidden.clear();
    this.diverged = false;
    this.floats = floats;
    this.stamps = { written: stamp, saved: '' };
    let reason = 'an in-memory database';
    if (file) {
      try {
        const state = loadVectors(file, stamp, dimension);
        this.index = VectorIndex.fromState(state, floats, { ...this.indexOptions, onGraphReady: () => this.saveSoon() });
        this.stamps.saved = stamp;
        this.savedGraph = state.graph !== null;
        this.loaded = { from: 'vector file', seconds: (performance.now() - t0) / 1000 };
        return;
      } catch (err) {
        if (err instanceof VectorFileRejected) reason = err.message;
        else if ((err as NodeJS.ErrnoException).code === 'ENOENT') reason = 'not saved yet';
        else throw err;
      }
    }
    // A graph for a big index is built in the background; the file is saved again once it is.
    const index = new VectorIndex(dimension, { graphFrom: this.indexOptions.graphFrom, floats, onGraphReady: () => this.saveSoon() });
    this.index = index;
    const finish = () => {
      this.loaded = { from: 'database', reason, seconds: (performance.now() - t0) / 1000 };
      this.persist();
    };
    const total = this.indexOptions.backgroundFrom === undefined ? 0 : sets.count(setId);
    if (this.indexOptions.backgroundFrom === undefined || total < this.indexOptions.backgroundFrom) {
      // Only this set's vectors: files without them are embedded by the next scan, never mixed in.
      for (const { chunkId, fileId, vector } of sets.vectors(setId)) index.add(chunkId, blobToVector(vector), fileId);
      finish();
      return;
    }
    const loading = { done: 0, total };
    this.loading = loading;
    this.loaded = { from: 'database', reason, seconds: 0 };
    this.ready = new Promise((resolve, reject) => {
      let after = 0;
      const step = () => {
        // Replaced by a later load (a change of model) or the store closed: stop here.
        if (this.loading !== loading || !this.store.db.open) return resolve();
        try {
          const page = sets.page(setId, after, LOAD_PAGE_FILES);
          for (const [fileId, rows] of page.files) {
            // Written, moved or hidden while loading: memory already holds what it should of that file.
            if (this.index.hasGroup(fileId) || this.hidden.has(fileId)) continue;
            for (const r of rows) index.add(r.chunkId, blobToVector(r.vector), fileId);
            loading.done += rows.length;
          }
          after = page.last;
          if (page.files.size > 0 || page.more) return void setImmediate(step);
          this.loading = null;
          finish();
          resolve();
        } catch (err) {
          reject(err);
        }
      };
      setImmediate(step);
    });
  }

  /**
   * Save the in-memory index beside the database if it changed since the last save and equals what
   * SQLite holds (no file hidden, nobody else wrote this set meanwhile). Returns whether the file on
   * disk is now current. Called a few seconds after writes settle and when the engine closes.
   */
  persist(): boolean {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    const file = this.store.sets.vectorFile(this.set.id);
    if (!file || this.hidden.size > 0 || this.diverged || this.loading) return false;
    const stamp = this.store.sets.stamp(this.set.id);
    if (stamp === this.stamps.saved && this.savedGraph === this.index.graphReady) return true;
    // Another writer (a CLI on the same file) changed this set: memory is not the database; the stale
    // file is ignored at the next open and rebuilt from SQLite.
    if (stamp !== this.stamps.written) {
      this.diverged = true;
      return false;
    }
    saveVectors(file, this.index.state(), stamp);
    this.stamps.saved = stamp;
    this.savedGraph = this.index.graphReady;
    return true;
  }

  /** Save what is pending; the store too is closed when this corpus opened it (openFile). */
  close(): void {
    this.persist();
    if (this.ownsStore && this.store.db.open) this.store.close();
  }

  /** Before each write: if the set moved since this corpus's last write, another writer moved it. */
  private writing(): void {
    if (this.store.sets.stamp(this.set.id) !== this.stamps.written) this.diverged = true;
  }

  /** After each write: remember the stamp it left, and save once writes settle. */
  private wrote(): void {
    this.changes++;
    this.forget({ counts: true });
    this.stamps.written = this.store.sets.stamp(this.set.id);
    this.saveSoon();
  }

  /** Save once writes settle. */
  private saveSoon(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = setTimeout(() => this.persist(), SAVE_AFTER_MS);
    this.saveTimer.unref();
  }

  /** The embedding set this corpus holds vectors of (store's `embedding_sets.id`). */
  get embeddingSetId(): number {
    return this.set.id;
  }

  get dimension(): number {
    return this.set.dimension;
  }

  /** The model whose vectors answer searches. */
  get modelId(): string {
    return this.set.modelId;
  }

  /**
   * Search another, complete embedding set from now on (a change of model): every indexed file moves to
   * it in one transaction, then its vectors replace the in-memory index in one synchronous step, so no
   * search sees half of each. Returns false (nothing changed) when passages still lack a vector of it.
   */
  changeOver(key: EmbeddingSetKey): boolean {
    const setId = this.store.sets.embeddingSet(key.modelId, key.dimension, key.pipelineVersion);
    if (setId === this.set.id) return true;
    if (this.store.sets.use(setId) === null) return false;
    this.persist();
    this.load(setId, key.dimension);
    this.set = { id: setId, dimension: key.dimension, modelId: key.modelId };
    this.changes++;
    return true;
  }

  /** How search runs over the in-memory rows now (status: a big index builds its graph after a rebuild). */
  get searchIndex(): SearchIndexState {
    const g = this.index.graphState;
    return { passages: this.index.size, loading: this.loading && { ...this.loading }, graph: g.state, graphPassages: g.rows, loaded: this.loaded };
  }

  /** searchIndex as the status line shows it (IndexProgress.searchIndex). */
  get searchProgress(): NonNullable<IndexProgress['searchIndex']> {
    const s = this.searchIndex;
    if (s.loading) return { state: 'loading', done: s.loading.done, total: s.loading.total };
    if (s.graph === 'building') return { state: 'building', done: s.graphPassages, total: s.passages };
    return { state: 'ready', done: s.passages, total: s.passages };
  }

  /** Passages searchable now. */
  get size(): number {
    return this.index.size;
  }

  /** Files searchable now. */
  get fileCount(): number {
    return this.index.groupCount;
  }

  isSearchable(fileId: number): boolean {
    return this.index.hasGroup(fileId);
  }

  /** Replace whatever is stored for `facts.path` with these passages and their vectors. */
  writeFile(facts: FileFacts, chunks: ChunkToStore[]): number {
    this.writing();
    const { fileId, chunkIds, replaced } = this.store.writes.writeIndexedFile(facts, this.embeddingSetId, chunks);
    this.wrote();
    if (replaced !== undefined) this.drop(replaced);
    chunks.forEach((c, i) => this.index.add(chunkIds[i], c.vector, fileId));
    return fileId;
  }

  /** Store `facts.path` as a copy of `source` (same content): its passages and vectors, no embedding. */
  copyFile(facts: FileFacts, source: IndexedFileRow): number {
    this.writing();
    const { fileId, rows, replaced } = this.store.writes.copyIndexedFile(facts, source, this.set.id);
    this.wrote();
    if (replaced !== undefined) this.drop(replaced);
    for (const r of rows) this.index.add(r.chunkId, blobToVector(r.vector), fileId);
    return fileId;
  }

  /** `fileId` moved or was renamed to `facts.path`: same row, passages and vectors; searchable again. */
  moveFile(fileId: number, facts: FileFacts): void {
    this.writing();
    const displaced = this.store.writes.moveFile(fileId, facts);
    this.wrote();
    if (displaced !== undefined) this.drop(displaced);
    this.show(fileId);
  }

  /** Same content with a new size/mtime (touched): remember them, and make sure the file is searchable. */
  touchFile(fileId: number, size: number, mtimeMs: number): void {
    this.store.writes.touchFile(fileId, size, mtimeMs);
    this.show(fileId);
  }

  /** Record that `facts.path` could not be indexed; whatever was indexed for it before is dropped. Returns whether search results changed. */
  writeFailed(facts: FileFacts, reason: string): boolean {
    this.writing();
    const replaced = this.store.writes.writeFailedFile(facts, reason);
    this.wrote();
    return replaced !== undefined ? this.drop(replaced) > 0 : false;
  }

  /**
   * Take a file out of search results at once while its rows stay stored (a deletion that may turn out
   * to be the first half of a rename). Returns whether search results changed.
   */
  hide(fileId: number): boolean {
    const removed = this.index.removeGroup(fileId);
    // While loading in the background, a file not loaded yet must stay out when its page comes.
    if (removed > 0 || this.loading) this.hidden.add(fileId);
    return removed > 0;
  }

  /** Forget a file entirely; returns its id, or undefined when it was not stored. */
  deleteFile(path: string): number | undefined {
    this.writing();
    const id = this.store.writes.deleteFile(path);
    this.wrote();
    if (id !== undefined) this.drop(id);
    return id;
  }

  addFolder(path: string): FolderRow {
    this.forget({ folders: true });
    return this.store.writes.addFolder(path);
  }

  /** Forget a folder with all its files; returns how many files were dropped. */
  removeFolder(path: string): number {
    this.writing();
    const ids = this.store.writes.removeFolder(path);
    this.forget({ folders: true });
    this.wrote();
    // In one pass: rows moved inside the index must be rows still stored (see removeGroups).
    for (const id of ids) this.hidden.delete(id);
    this.index.removeGroups(ids);
    return ids.length;
  }

  /** The best `perFile` passages of the `kFiles` files whose best passage is closest to `query`. */
  nearestFiles(query: Float32Array, kFiles: number, perFile: number): ChunkScore[][] {
    return this.index.searchGroups(query, kFiles, perFile).map((list) => list.map((h) => ({ chunkId: h.id, fileId: h.group, score: h.score })));
  }

  /** The `k` searchable passages closest to `query`, best first; with `accept`, only in the files it accepts. */
  nearestPassages(query: Float32Array, k: number, accept?: (fileId: number) => boolean): ChunkScore[] {
    return this.index.search(query, k, accept).map((h) => ({ chunkId: h.id, fileId: h.group, score: h.score }));
  }

  /** Exact similarity of `query` to each of these stored passages (for passages found by words alone). */
  similarities(query: Float32Array, chunkIds: number[]): Float64Array {
    const d = this.dimension;
    const m = this.floats.read(Int32Array.from(chunkIds));
    return Float64Array.from(chunkIds, (_, i) => {
      let s = 0;
      for (let x = 0; x < d; x++) s += m[i * d + x] * query[x];
      return Math.fround(s);
    });
  }

  /** The stored vectors of one file's passages, in order. */
  vectorsOfFile(fileId: number): { chunkId: number; vector: Float32Array }[] {
    return this.store.sets.ofFile(fileId, this.set.id).map((r) => ({ chunkId: r.chunkId, vector: blobToVector(r.vector) }));
  }

  /**
   * Give every stored passage a vector of `embedder`'s model, in its own set beside the one in use (a
   * change of model); nothing searched changes until `changeOver`. See reembed.ts.
   */
  embedMissing(embedder: Embedder, options: ReembedOptions = {}): ReturnType<typeof embedMissing> {
    return embedMissing(this.store, embedder, options);
  }

  /**
   * Forget every vector of `modelId` (a model removed or pruned) with its saved vector file; never the
   * set in use. Returns how many sets were dropped.
   */
  dropVectors(modelId: string): number {
    const sets = this.store.counts.vectorSets().filter((s) => s.modelId === modelId);
    if (sets.some((s) => s.id === this.set.id)) throw new Error(`${modelId} is the model in use: its vectors answer searches`);
    for (const s of sets) {
      this.store.sets.drop(s.id);
      // Stale now (the stamp moved): the space goes back at once.
      const file = this.store.sets.vectorFile(s.id);
      if (file) rmSync(file, { force: true });
    }
    return sets.length;
  }

  /** Out of memory and out of the database: no longer hidden either. */
  private drop(fileId: number): number {
    this.hidden.delete(fileId);
    return this.index.removeGroup(fileId);
  }

  /** A stored file's vectors back into memory, unless they are there already. */
  private show(fileId: number): void {
    this.hidden.delete(fileId);
    if (this.index.hasGroup(fileId)) return;
    for (const { chunkId, vector } of this.store.sets.ofFile(fileId, this.set.id)) this.index.add(chunkId, blobToVector(vector), fileId);
  }
}
