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
 * saved beside the database are written, read and deleted for it by SavedIndex and nothing else.
 */
import type { Embedder } from '../embed/types';
import { IndexStore } from '../store/index-store';
import type { ChunkToStore, FileFacts, FolderRow, IndexedFileRow } from '../store/rows';
import { blobToVector } from '../vectors/blob';
import { VectorIndex } from '../vectors/vector-index';
import { storedScores, type FloatRows } from '../vectors/exact-scores';
import { fillFromDatabase, type BackgroundFill } from './fill-from-database';
import { dropSet, SavedIndex } from './saved-index';
import type { CorpusLoad, CorpusOptions, SearchIndexState } from './search-index-state';

export type { CorpusLoad, CorpusOptions, SearchIndexState } from './search-index-state';
import { embedMissing, type ReembedOptions } from './reembed';
import { StoredIndex } from './stored-index';

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

export class Corpus extends StoredIndex {
  private index!: VectorIndex;
  private floats!: FloatRows;
  private set: { id: number; dimension: number; modelId: string };
  /** Counts every change to what is stored; caches derived from the index (spelling's vocabulary) compare it. */
  changes = 0;
  /** How the current set's index was filled. */
  loaded!: CorpusLoad;
  /** Files taken out of memory but still stored (hidden): memory ≠ database until they come back or go. */
  private hidden = new Set<number>();
  /** The copy of memory saved beside the database. */
  private readonly saved: SavedIndex;
  /** A load from SQLite under way in the background: passages loaded of how many. */
  private loading: BackgroundFill | null = null;
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
    this.saved = new SavedIndex(store.sets, { setId: () => this.set.id, index: () => this.index, equalsStore: () => this.hidden.size === 0 && !this.loading });
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
    this.forget({ counts: true });
    this.hidden.clear();
    this.floats = floats;
    const file = this.saved.read(setId, dimension);
    if ('state' in file) {
      this.index = VectorIndex.fromState(file.state, floats, { ...this.indexOptions, onGraphReady: () => this.saved.saveSoon() });
      this.loaded = { from: 'vector file', seconds: (performance.now() - t0) / 1000 };
      return;
    }
    const { reason } = file;
    // A graph for a big index is built in the background; the file is saved again once it is.
    const index = new VectorIndex(dimension, { graphFrom: this.indexOptions.graphFrom, floats, onGraphReady: () => this.saved.saveSoon() });
    this.index = index;
    const finish = () => {
      this.loaded = { from: 'database', reason, seconds: (performance.now() - t0) / 1000 };
      this.persist();
    };
    const { fill, ready } = fillFromDatabase(sets, setId, index, {
      backgroundFrom: this.indexOptions.backgroundFrom,
      current: (f) => this.loading === f && this.store.db.open,
      skip: (fileId) => this.index.hasGroup(fileId) || this.hidden.has(fileId),
      done: (f) => {
        if (f) this.loading = null;
        finish();
      },
    });
    if (!fill) return;
    this.loading = fill;
    this.loaded = { from: 'database', reason, seconds: 0 };
    this.ready = ready;
  }

  /**
   * Save the in-memory index beside the database if it changed since the last save and equals what
   * SQLite holds (no file hidden, nobody else wrote this set meanwhile). Returns whether the file on
   * disk is now current. Called a few seconds after writes settle and when the engine closes.
   */
  persist(): boolean {
    return this.saved.persist();
  }

  /** Save what is pending; the store too is closed when this corpus opened it (openFile). */
  close(): void {
    this.persist();
    if (this.ownsStore && this.store.db.open) this.store.close();
  }

  /** After each write: caches derived from the index are stale, and memory is saved once writes settle. */
  private wrote(): void {
    this.changes++;
    this.forget({ counts: true });
    this.saved.wrote();
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
    this.saved.writing();
    const { fileId, chunkIds, replaced } = this.store.writes.writeIndexedFile(facts, this.embeddingSetId, chunks);
    this.wrote();
    if (replaced !== undefined) this.drop(replaced);
    chunks.forEach((c, i) => this.index.add(chunkIds[i], c.vector, fileId));
    return fileId;
  }

  /** Store `facts.path` as a copy of `source` (same content): its passages and vectors, no embedding. */
  copyFile(facts: FileFacts, source: IndexedFileRow): number {
    this.saved.writing();
    const { fileId, rows, replaced } = this.store.writes.copyIndexedFile(facts, source, this.set.id);
    this.wrote();
    if (replaced !== undefined) this.drop(replaced);
    for (const r of rows) this.index.add(r.chunkId, blobToVector(r.vector), fileId);
    return fileId;
  }

  /** `fileId` moved or was renamed to `facts.path`: same row, passages and vectors; searchable again. */
  moveFile(fileId: number, facts: FileFacts): void {
    this.saved.writing();
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
    this.saved.writing();
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
    this.saved.writing();
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
    this.saved.writing();
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
    return storedScores(query, this.floats, Int32Array.from(chunkIds));
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
    for (const s of sets) dropSet(this.store.sets, s.id);
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
