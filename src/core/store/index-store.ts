/**
 * Everything the engine keeps on disk, behind named operations. Each file's chunks and vectors are
 * written in one transaction with its row, so after a crash a file is either fully indexed or absent.
 */
import type Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { openDatabase } from './open-database';
import { WordIndex } from './word-index';

export interface IndexedFileRow {
  id: number;
  folderId: number;
  path: string;
  size: number;
  mtimeMs: number;
  contentHash: string | null;
  state: 'indexed' | 'failed';
  error: string | null;
  embeddingSetId: number | null;
  updatedAt: number;
}

export interface FolderRow {
  id: number;
  path: string;
}

/** A passage ready to store: offsets into the extracted text, and its vector. */
export interface ChunkToStore {
  start: number;
  end: number;
  location: string | null;
  text: string;
  vector: Float32Array;
}

export interface StoredChunk {
  id: number;
  fileId: number;
  seq: number;
  start: number;
  end: number;
  location: string | null;
  text: string;
}

export interface FileFacts {
  folderId: number;
  path: string;
  size: number;
  mtimeMs: number;
  contentHash: string | null;
}

/** One model's vectors in an index (`status` shows these). */
export interface VectorSetSummary {
  /** embedding_sets.id */
  id: number;
  modelId: string;
  dimension: number;
  pipelineVersion: number;
  /** Passages with a vector of this set, and passages of indexed files. */
  vectors: number;
  passages: number;
  /** Every passage has a vector of this set: switching to its model needs no embedding. */
  complete: boolean;
  /** Indexed files searched with this set now. */
  files: number;
  /** Bytes its vectors take (float32). */
  bytes: number;
}

const FILE_COLUMNS = `id, folder_id AS folderId, path, size, mtime_ms AS mtimeMs, content_hash AS contentHash,
  state, error, embedding_set_id AS embeddingSetId, updated_at AS updatedAt`;

export class IndexStore {
  readonly db: Database.Database;
  /** The keyword index over the same passages and file names (FTS5, same database and transactions). */
  readonly words: WordIndex;
  private chunksStmt: Database.Statement | null = null;

  constructor(file: string) {
    this.db = openDatabase(file);
    this.words = new WordIndex(this.db);
  }

  close(): void {
    this.db.close();
  }

  /** Id of the vector set for this model and pipeline; created on first use. */
  embeddingSet(modelId: string, dimension: number, pipelineVersion: number): number {
    this.db
      .prepare('INSERT OR IGNORE INTO embedding_sets (model_id, dimension, pipeline_version) VALUES (?, ?, ?)')
      .run(modelId, dimension, pipelineVersion);
    const row = this.db
      .prepare('SELECT id FROM embedding_sets WHERE model_id = ? AND dimension = ? AND pipeline_version = ?')
      .get(modelId, dimension, pipelineVersion) as { id: number };
    return row.id;
  }

  addFolder(path: string): FolderRow {
    this.db.prepare('INSERT OR IGNORE INTO folders (path, added_at) VALUES (?, ?)').run(path, Date.now());
    return this.db.prepare('SELECT id, path FROM folders WHERE path = ?').get(path) as FolderRow;
  }

  /** Forget a folder with its files, chunks and vectors (cascades). Returns the removed file ids. */
  removeFolder(path: string): number[] {
    return this.db.transaction(() => {
      const ids = (
        this.db
          .prepare('SELECT f.id FROM files f JOIN folders d ON d.id = f.folder_id WHERE d.path = ?')
          .all(path) as { id: number }[]
      ).map((r) => r.id);
      this.db.prepare('DELETE FROM folders WHERE path = ?').run(path);
      return ids;
    })();
  }

  folders(): FolderRow[] {
    return this.db.prepare('SELECT id, path FROM folders ORDER BY path').all() as FolderRow[];
  }

  indexedCountByFolder(): Map<number, number> {
    const rows = this.db
      .prepare("SELECT folder_id AS id, COUNT(*) AS n FROM files WHERE state = 'indexed' GROUP BY folder_id")
      .all() as { id: number; n: number }[];
    return new Map(rows.map((r) => [r.id, r.n]));
  }

  fileByPath(path: string): IndexedFileRow | undefined {
    return this.db.prepare(`SELECT ${FILE_COLUMNS} FROM files WHERE path = ?`).get(path) as IndexedFileRow | undefined;
  }

  filesInFolder(folderId: number): IndexedFileRow[] {
    return this.db.prepare(`SELECT ${FILE_COLUMNS} FROM files WHERE folder_id = ?`).all(folderId) as IndexedFileRow[];
  }

  filesByIds(ids: number[]): Map<number, IndexedFileRow> {
    const out = new Map<number, IndexedFileRow>();
    const get = this.db.prepare(`SELECT ${FILE_COLUMNS} FROM files WHERE id = ?`);
    for (const id of ids) {
      const row = get.get(id) as IndexedFileRow | undefined;
      if (row) out.set(id, row);
    }
    return out;
  }

  /** Indexed files with this content hash and vector set, other than `exceptPath`: their vectors can be reused. */
  filesWithContent(contentHash: string, embeddingSetId: number, exceptPath: string): IndexedFileRow[] {
    return this.db
      .prepare(
        `SELECT ${FILE_COLUMNS} FROM files WHERE content_hash = ? AND embedding_set_id = ? AND state = 'indexed' AND path <> ?`,
      )
      .all(contentHash, embeddingSetId, exceptPath) as IndexedFileRow[];
  }

  /** Replace whatever is stored for `facts.path` with these chunks and vectors, atomically. Returns the ids, chunks in order. */
  writeIndexedFile(facts: FileFacts, embeddingSetId: number, chunks: ChunkToStore[]): { fileId: number; chunkIds: number[] } {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM files WHERE path = ?').run(facts.path);
      const fileId = this.insertFile(facts, 'indexed', null, embeddingSetId);
      this.words.setFile(fileId, facts.path);
      const insertChunk = this.db.prepare(
        'INSERT INTO chunks (file_id, seq, start, end, location, text) VALUES (?, ?, ?, ?, ?, ?)',
      );
      const insertVector = this.db.prepare('INSERT INTO vectors (chunk_id, embedding_set_id, vector) VALUES (?, ?, ?)');
      const chunkIds = chunks.map((c, seq) => {
        const chunkId = Number(insertChunk.run(fileId, seq, c.start, c.end, c.location, c.text).lastInsertRowid);
        this.words.addChunk(chunkId, c.text);
        insertVector.run(chunkId, embeddingSetId, Buffer.from(c.vector.buffer, c.vector.byteOffset, c.vector.byteLength));
        return chunkId;
      });
      return { fileId, chunkIds };
    })();
  }

  /**
   * Store `facts.path` with a copy of another file's chunks and vectors, of every embedding set (same
   * content, no re-embedding). Returns the new ids with the copied vectors of `setId`, so the caller
   * need not read them again.
   */
  copyIndexedFile(facts: FileFacts, source: IndexedFileRow, setId: number): { fileId: number; rows: { chunkId: number; vector: Buffer }[] } {
    return this.db.transaction(() => {
      this.db.prepare('DELETE FROM files WHERE path = ?').run(facts.path);
      const fileId = this.insertFile(facts, 'indexed', null, source.embeddingSetId);
      this.words.setFile(fileId, facts.path);
      const chunks = this.db
        .prepare('SELECT c.id, c.seq, c.start, c.end, c.location, c.text FROM chunks c WHERE c.file_id = ? ORDER BY c.seq')
        .all(source.id) as Omit<StoredChunk, 'fileId'>[];
      const insertChunk = this.db.prepare(
        'INSERT INTO chunks (file_id, seq, start, end, location, text) VALUES (?, ?, ?, ?, ?, ?)',
      );
      const copyVectors = this.db.prepare('INSERT INTO vectors (chunk_id, embedding_set_id, vector) SELECT ?, embedding_set_id, vector FROM vectors WHERE chunk_id = ?');
      const vectorOf = this.db.prepare('SELECT vector FROM vectors WHERE chunk_id = ? AND embedding_set_id = ?').pluck();
      const rows = chunks.map((c) => {
        const chunkId = Number(insertChunk.run(fileId, c.seq, c.start, c.end, c.location, c.text).lastInsertRowid);
        this.words.addChunk(chunkId, c.text);
        copyVectors.run(chunkId, c.id);
        return { chunkId, vector: vectorOf.get(chunkId, setId) as Buffer };
      });
      return { fileId, rows };
    })();
  }

  /** A file moved or was renamed: keep its row, chunks and vectors under the new path. */
  moveFile(fileId: number, facts: FileFacts): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM files WHERE path = ? AND id <> ?').run(facts.path, fileId);
      this.db
        .prepare('UPDATE files SET folder_id = ?, path = ?, size = ?, mtime_ms = ?, updated_at = ? WHERE id = ?')
        .run(facts.folderId, facts.path, facts.size, facts.mtimeMs, Date.now(), fileId);
      this.words.setFile(fileId, facts.path);
    })();
  }

  /** Same content, new size/mtime (e.g. touched): remember them so the next scan skips the hash. */
  touchFile(fileId: number, size: number, mtimeMs: number): void {
    this.db.prepare('UPDATE files SET size = ?, mtime_ms = ? WHERE id = ?').run(size, mtimeMs, fileId);
  }

  /** Record that a file could not be indexed, dropping anything indexed for it before. */
  writeFailedFile(facts: FileFacts, reason: string): void {
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM files WHERE path = ?').run(facts.path);
      this.insertFile(facts, 'failed', reason, null);
    })();
  }

  /** Forget a file; returns its id, or undefined when it was not stored. */
  deleteFile(path: string): number | undefined {
    const row = this.db.prepare('SELECT id FROM files WHERE path = ?').get(path) as { id: number } | undefined;
    if (row) this.db.prepare('DELETE FROM files WHERE id = ?').run(row.id);
    return row?.id;
  }

  /**
   * A stamp that changes with every write to what `vectors(setId)` returns (bumped by triggers in the
   * writing transaction, migration 5): the saved vector file is used only when its stamp is this one.
   */
  vectorStamp(setId: number): string {
    const version = (this.db.prepare('SELECT version FROM index_changes WHERE embedding_set_id = ?').pluck().get(setId) as number | undefined) ?? 0;
    return `set ${setId} change ${version}`;
  }

  /** Every vector of one set, of the files searched in that set, for loading the in-memory index. */
  *vectors(embeddingSetId: number): Generator<{ chunkId: number; fileId: number; vector: Buffer }> {
    const stmt = this.db.prepare(
      `SELECT v.chunk_id AS chunkId, c.file_id AS fileId, v.vector AS vector FROM vectors v JOIN chunks c ON c.id = v.chunk_id
       JOIN files f ON f.id = c.file_id AND f.embedding_set_id = v.embedding_set_id
       WHERE v.embedding_set_id = ? ORDER BY c.file_id, c.seq`,
    );
    yield* stmt.iterate(embeddingSetId) as Iterable<{ chunkId: number; fileId: number; vector: Buffer }>;
  }

  /** How many vectors `vectors(setId)` returns. */
  vectorCount(embeddingSetId: number): number {
    return this.db
      .prepare('SELECT COUNT(*) FROM vectors v JOIN chunks c ON c.id = v.chunk_id JOIN files f ON f.id = c.file_id AND f.embedding_set_id = v.embedding_set_id WHERE v.embedding_set_id = ?')
      .pluck()
      .get(embeddingSetId) as number;
  }

  /**
   * `vectors(setId)` a page at a time: the next `files` files searched in the set after file id `after`,
   * each with its vectors in passage order; `last` is where the next page starts.
   */
  vectorsPage(embeddingSetId: number, after: number, files: number): { files: Map<number, { chunkId: number; vector: Buffer }[]>; last: number; more: boolean } {
    const ids = this.db.prepare('SELECT id FROM files WHERE embedding_set_id = ? AND id > ? ORDER BY id LIMIT ?').pluck().all(embeddingSetId, after, files) as number[];
    const out = new Map<number, { chunkId: number; vector: Buffer }[]>();
    if (ids.length === 0) return { files: out, last: after, more: false };
    const rows = this.db
      .prepare(
        `SELECT v.chunk_id AS chunkId, c.file_id AS fileId, v.vector AS vector FROM vectors v JOIN chunks c ON c.id = v.chunk_id
         WHERE v.embedding_set_id = ? AND c.file_id IN (SELECT value FROM json_each(?)) ORDER BY c.file_id, c.seq`,
      )
      .all(embeddingSetId, JSON.stringify(ids)) as { chunkId: number; fileId: number; vector: Buffer }[];
    for (const id of ids) out.set(id, []);
    for (const r of rows) out.get(r.fileId)!.push({ chunkId: r.chunkId, vector: r.vector });
    return { files: out, last: ids.at(-1)!, more: ids.length === files };
  }

  /** One file's vectors of one set, in passage order. */
  vectorsOfFile(fileId: number, setId: number): { chunkId: number; vector: Buffer }[] {
    return this.db
      .prepare(
        'SELECT v.chunk_id AS chunkId, v.vector AS vector FROM vectors v JOIN chunks c ON c.id = v.chunk_id WHERE c.file_id = ? AND v.embedding_set_id = ? ORDER BY c.seq',
      )
      .all(fileId, setId) as { chunkId: number; vector: Buffer }[];
  }

  /** Passages of indexed files without a vector of `setId`, by id after `afterId`: what a change of model still has to embed. */
  passagesWithoutVectors(setId: number, afterId: number, limit: number): { id: number; text: string }[] {
    return this.db
      .prepare(
        `SELECT c.id, c.text FROM chunks c JOIN files f ON f.id = c.file_id
         WHERE f.state = 'indexed' AND c.id > ? AND NOT EXISTS (SELECT 1 FROM vectors v WHERE v.chunk_id = c.id AND v.embedding_set_id = ?)
         ORDER BY c.id LIMIT ?`,
      )
      .all(afterId, setId, limit) as { id: number; text: string }[];
  }

  /**
   * Store vectors of `setId` for these passages in one transaction. A passage whose file was re-indexed
   * or deleted meanwhile is gone and skipped (its new passages are found by the next look for missing ones).
   */
  addVectors(setId: number, rows: { chunkId: number; vector: Float32Array }[]): number {
    const insert = this.db.prepare(
      'INSERT OR REPLACE INTO vectors (chunk_id, embedding_set_id, vector) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM chunks WHERE id = ?)',
    );
    return this.db.transaction(() => {
      let n = 0;
      for (const r of rows) n += insert.run(r.chunkId, setId, Buffer.from(r.vector.buffer, r.vector.byteOffset, r.vector.byteLength), r.chunkId).changes;
      return n;
    })();
  }

  /**
   * Make `setId` the set every indexed file is searched in, when it is complete (every passage of every
   * indexed file has a vector of it): one transaction, so the index is never half one model, half another.
   * Returns the files that changed set, or null when passages are still missing.
   */
  useVectorSet(setId: number): number | null {
    return this.db.transaction(() => (this.passagesWithoutVectors(setId, 0, 1).length > 0 ? null : this.adoptCompleteFiles(setId)))();
  }

  /**
   * Search every indexed file that has a vector of `setId` for each of its passages in that set (opening
   * the index with a model used before): they need no embedding. Returns how many files changed set.
   */
  adoptCompleteFiles(setId: number): number {
    return this.db
      .prepare(
        `UPDATE files SET embedding_set_id = ? WHERE state = 'indexed' AND embedding_set_id IS NOT ?
         AND NOT EXISTS (SELECT 1 FROM chunks c WHERE c.file_id = files.id
           AND NOT EXISTS (SELECT 1 FROM vectors v WHERE v.chunk_id = c.id AND v.embedding_set_id = ?))`,
      )
      .run(setId, setId, setId).changes;
  }

  /** Every embedding set with vectors stored: its model, how many passages it covers of how many, and its size. */
  vectorSets(): VectorSetSummary[] {
    const passages = this.db.prepare("SELECT COUNT(*) FROM chunks c JOIN files f ON f.id = c.file_id WHERE f.state = 'indexed'").pluck().get() as number;
    const rows = this.db
      .prepare(
        `SELECT es.id, es.model_id AS modelId, es.dimension, es.pipeline_version AS pipelineVersion,
           (SELECT COUNT(*) FROM vectors v WHERE v.embedding_set_id = es.id) AS vectors,
           (SELECT COUNT(*) FROM files f WHERE f.state = 'indexed' AND f.embedding_set_id = es.id) AS files
         FROM embedding_sets es ORDER BY es.id`,
      )
      .all() as Omit<VectorSetSummary, 'passages' | 'bytes' | 'complete'>[];
    return rows
      .filter((r) => r.vectors > 0 || r.files > 0)
      // float32 vectors: the size on disk is the count times 4 bytes per dimension (no need to sum the blobs).
      .map((r) => ({ ...r, passages, bytes: r.vectors * r.dimension * 4, complete: r.vectors >= passages }));
  }

  /** Drop every vector of one set (a model removed or pruned); returns how many were dropped. */
  dropVectorSet(setId: number): number {
    const dropped = this.db.transaction(() => {
      const n = this.db.prepare('DELETE FROM vectors WHERE embedding_set_id = ?').run(setId).changes;
      this.db.prepare("UPDATE files SET embedding_set_id = NULL WHERE embedding_set_id = ? AND state = 'indexed'").run(setId);
      return n;
    })();
    // Its saved vector file is stale now (the stamp moved); the space goes back at once.
    const file = this.vectorFile(setId);
    if (file) rmSync(file, { force: true });
    return dropped;
  }

  /** Where one set's in-memory index is saved beside the database (null for an in-memory database). */
  vectorFile(setId: number): string | null {
    return this.db.memory ? null : `${this.db.name}.set-${Number(setId)}.vectors`;
  }

  /** Rows of these chunks (one statement, prepared once: search reads a hundred per query). */
  chunksByIds(ids: number[]): Map<number, StoredChunk> {
    this.chunksStmt ??= this.db.prepare(
      'SELECT id, file_id AS fileId, seq, start, end, location, text FROM chunks WHERE id IN (SELECT value FROM json_each(?))',
    );
    const out = new Map<number, StoredChunk>();
    if (ids.length === 0) return out;
    for (const row of this.chunksStmt.all(JSON.stringify(ids)) as StoredChunk[]) out.set(row.id, row);
    return out;
  }

  /** The first passage of a file (a file found by its name shows it), or undefined. */
  firstChunk(fileId: number): number | undefined {
    return this.db.prepare('SELECT id FROM chunks WHERE file_id = ? ORDER BY seq LIMIT 1').pluck().get(fileId) as number | undefined;
  }

  indexedFileIds(): number[] {
    return this.db.prepare("SELECT id FROM files WHERE state = 'indexed'").pluck().all() as number[];
  }

  /** Indexed files in these folders, of these types (extensions), modified in [after, before). */
  filesMatching(filter: { folderIds?: number[]; types?: string[]; after?: number; before?: number }): number[] {
    const where = ["state = 'indexed'"];
    const params: (number | string)[] = [];
    if (filter.folderIds) {
      where.push(`folder_id IN (${filter.folderIds.map(() => '?').join(', ') || 'NULL'})`);
      params.push(...filter.folderIds);
    }
    if (filter.types) {
      // The extension is what follows the last dot of the name (folder-rules' fileType).
      where.push(`(${filter.types.map(() => "lower(path) LIKE ? ESCAPE '\\'").join(' OR ') || '0'})`);
      params.push(...filter.types.map((t) => `%.${t.toLowerCase().replace(/[\\%_]/g, '\\$&')}`));
    }
    if (filter.after !== undefined) {
      where.push('mtime_ms >= ?');
      params.push(filter.after);
    }
    if (filter.before !== undefined) {
      where.push('mtime_ms < ?');
      params.push(filter.before);
    }
    return this.db.prepare(`SELECT id FROM files WHERE ${where.join(' AND ')}`).pluck().all(...params) as number[];
  }

  chunksOfFile(fileId: number): StoredChunk[] {
    return this.db
      .prepare('SELECT id, file_id AS fileId, seq, start, end, location, text FROM chunks WHERE file_id = ? ORDER BY seq')
      .all(fileId) as StoredChunk[];
  }

  problems(): { path: string; reason: string; at: number }[] {
    return this.db
      .prepare("SELECT path, error AS reason, updated_at AS at FROM files WHERE state = 'failed' ORDER BY path")
      .all() as { path: string; reason: string; at: number }[];
  }

  counts(embeddingSetId: number): { files: number; chunks: number; problems: number } {
    const files = this.db
      .prepare("SELECT COUNT(*) AS n FROM files WHERE state = 'indexed' AND embedding_set_id = ?")
      .get(embeddingSetId) as { n: number };
    const chunks = this.db
      .prepare('SELECT COUNT(*) AS n FROM vectors WHERE embedding_set_id = ?')
      .get(embeddingSetId) as { n: number };
    const problems = this.db.prepare("SELECT COUNT(*) AS n FROM files WHERE state = 'failed'").get() as { n: number };
    return { files: files.n, chunks: chunks.n, problems: problems.n };
  }

  integrityCheck(): string {
    return this.db.pragma('integrity_check', { simple: true }) as string;
  }

  private insertFile(facts: FileFacts, state: 'indexed' | 'failed', error: string | null, setId: number | null): number {
    return Number(
      this.db
        .prepare(
          `INSERT INTO files (folder_id, path, size, mtime_ms, content_hash, state, error, embedding_set_id, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(facts.folderId, facts.path, facts.size, facts.mtimeMs, facts.contentHash, state, error, setId, Date.now())
        .lastInsertRowid,
    );
  }
}
