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
 * Callers read through `store` (rows, chunks, folders) but never write through it.
 */
import type { ChunkToStore, FileFacts, FolderRow, IndexedFileRow, IndexStore } from '../store/index-store';
import { blobToVector } from '../vectors/blob';
import { sqliteFloatRows } from '../vectors/sqlite-float-rows';
import { VectorIndex, type FloatRows } from '../vectors/vector-index';

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

export class Corpus {
  private index: VectorIndex;
  private floats: FloatRows;
  private set: { id: number; dimension: number; modelId: string };
  /** Counts every change to what is stored; caches derived from the index (spelling's vocabulary) compare it. */
  changes = 0;

  private constructor(
    /** Read access to what is stored; writes go through the Corpus methods below. */
    readonly store: IndexStore,
    key: EmbeddingSetKey,
  ) {
    this.set = { id: store.embeddingSet(key.modelId, key.dimension, key.pipelineVersion), dimension: key.dimension, modelId: key.modelId };
    // Opened with a model used before (or whose change-over was interrupted after its last batch): every
    // file whose passages all have its vectors is searchable at once, nothing embedded again.
    store.adoptCompleteFiles(this.set.id);
    ({ index: this.index, floats: this.floats } = Corpus.load(store, this.set.id, key.dimension));
  }

  /** The corpus for `key` in `store` (created on first use), with its stored vectors loaded into memory. */
  static open(store: IndexStore, key: EmbeddingSetKey): Corpus {
    return new Corpus(store, key);
  }

  /** One set's vectors in memory, searchable. */
  private static load(store: IndexStore, setId: number, dimension: number): { index: VectorIndex; floats: FloatRows } {
    // int8 rows in memory; candidates are rescored exactly from the float32 vectors SQLite already
    // holds, so a million passages cost ~400 MB of RAM instead of 1.5 GB (src/core/vectors).
    // setId is an integer from our own table: safe to write into the statement.
    const floats = sqliteFloatRows(store.db, `SELECT vector FROM vectors WHERE chunk_id = ? AND embedding_set_id = ${Number(setId)}`, dimension);
    const index = new VectorIndex(dimension, { floats });
    // Only this set's vectors: files without them are embedded by the next scan, never mixed in.
    for (const { chunkId, fileId, vector } of store.vectors(setId)) index.add(chunkId, blobToVector(vector), fileId);
    return { index, floats };
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
    const setId = this.store.embeddingSet(key.modelId, key.dimension, key.pipelineVersion);
    if (setId === this.set.id) return true;
    if (this.store.useVectorSet(setId) === null) return false;
    const loaded = Corpus.load(this.store, setId, key.dimension);
    this.index = loaded.index;
    this.floats = loaded.floats;
    this.set = { id: setId, dimension: key.dimension, modelId: key.modelId };
    this.changes++;
    return true;
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
    this.changes++;
    const old = this.store.fileByPath(facts.path);
    const { fileId, chunkIds } = this.store.writeIndexedFile(facts, this.embeddingSetId, chunks);
    if (old) this.index.removeGroup(old.id);
    chunks.forEach((c, i) => this.index.add(chunkIds[i], c.vector, fileId));
    return fileId;
  }

  /** Store `facts.path` as a copy of `source` (same content): its passages and vectors, no embedding. */
  copyFile(facts: FileFacts, source: IndexedFileRow): number {
    this.changes++;
    const old = this.store.fileByPath(facts.path);
    const { fileId, rows } = this.store.copyIndexedFile(facts, source, this.set.id);
    if (old) this.index.removeGroup(old.id);
    for (const r of rows) this.index.add(r.chunkId, blobToVector(r.vector), fileId);
    return fileId;
  }

  /** `fileId` moved or was renamed to `facts.path`: same row, passages and vectors; searchable again. */
  moveFile(fileId: number, facts: FileFacts): void {
    this.changes++;
    const displaced = this.store.fileByPath(facts.path);
    this.store.moveFile(fileId, facts);
    if (displaced && displaced.id !== fileId) this.index.removeGroup(displaced.id);
    this.show(fileId);
  }

  /** Same content with a new size/mtime (touched): remember them, and make sure the file is searchable. */
  touchFile(fileId: number, size: number, mtimeMs: number): void {
    this.store.touchFile(fileId, size, mtimeMs);
    this.show(fileId);
  }

  /** Record that `facts.path` could not be indexed; whatever was indexed for it before is dropped. Returns whether search results changed. */
  writeFailed(facts: FileFacts, reason: string): boolean {
    this.changes++;
    const old = this.store.fileByPath(facts.path);
    this.store.writeFailedFile(facts, reason);
    return old ? this.index.removeGroup(old.id) > 0 : false;
  }

  /**
   * Take a file out of search results at once while its rows stay stored (a deletion that may turn out
   * to be the first half of a rename). Returns whether search results changed.
   */
  hide(fileId: number): boolean {
    return this.index.removeGroup(fileId) > 0;
  }

  /** Forget a file entirely; returns its id, or undefined when it was not stored. */
  deleteFile(path: string): number | undefined {
    this.changes++;
    const id = this.store.deleteFile(path);
    if (id !== undefined) this.index.removeGroup(id);
    return id;
  }

  addFolder(path: string): FolderRow {
    return this.store.addFolder(path);
  }

  /** Forget a folder with all its files; returns how many files were dropped. */
  removeFolder(path: string): number {
    this.changes++;
    const ids = this.store.removeFolder(path);
    for (const id of ids) this.index.removeGroup(id);
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
    return this.store.vectorsOfFile(fileId, this.set.id).map((r) => ({ chunkId: r.chunkId, vector: blobToVector(r.vector) }));
  }

  /** A stored file's vectors back into memory, unless they are there already. */
  private show(fileId: number): void {
    if (this.index.hasGroup(fileId)) return;
    for (const { chunkId, vector } of this.store.vectorsOfFile(fileId, this.set.id)) this.index.add(chunkId, blobToVector(vector), fileId);
  }
}
