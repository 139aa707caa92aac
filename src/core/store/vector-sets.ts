/**
 * The embedding sets (one model at one dimension, made by one pipeline version) and their stored
 * vectors: which set a file is searched in, the stamp that says whether a saved vector file is
 * current, reading a set's vectors (all, a page of files at a time, one file's), and adding, adopting
 * and dropping a set's vectors.
 */
import type Database from 'better-sqlite3';
import { sqliteFloatRows } from '../vectors/sqlite-float-rows';
import type { FloatRows } from '../vectors/vector-index';
import type { StoredVector } from './rows';

export class VectorSets {
  constructor(private readonly db: Database.Database) {}

  /** Id of the vector set for this model and pipeline; created on first use. */
  embeddingSet(modelId: string, dimension: number, pipelineVersion: number): number {
    this.db.prepare('INSERT OR IGNORE INTO embedding_sets (model_id, dimension, pipeline_version) VALUES (?, ?, ?)').run(modelId, dimension, pipelineVersion);
    return this.db
      .prepare('SELECT id FROM embedding_sets WHERE model_id = ? AND dimension = ? AND pipeline_version = ?')
      .pluck()
      .get(modelId, dimension, pipelineVersion) as number;
  }

  /**
   * A stamp that changes with every write to what `vectors(setId)` returns (bumped by triggers in the
   * writing transaction, migration 5): the saved vector file is used only when its stamp is this one.
   */
  stamp(setId: number): string {
    const version = (this.db.prepare('SELECT version FROM index_changes WHERE embedding_set_id = ?').pluck().get(setId) as number | undefined) ?? 0;
    return `set ${setId} change ${version}`;
  }

  /** Where one set's in-memory index is saved beside the database (null for an in-memory database); Corpus writes and deletes it. */
  vectorFile(setId: number): string | null {
    return this.db.memory ? null : `${this.db.name}.set-${Number(setId)}.vectors`;
  }

  /** One set's float32 vectors read by passage id, for rescoring the in-memory int8 candidates exactly. */
  floatRows(setId: number, dimension: number): FloatRows {
    // setId is an integer from our own table: safe to write into the statement.
    return sqliteFloatRows(this.db, `SELECT vector FROM vectors WHERE chunk_id = ? AND embedding_set_id = ${Number(setId)}`, dimension);
  }

  /** Every vector of one set, of the files searched in that set, for loading the in-memory index. */
  *vectors(setId: number): Generator<StoredVector & { fileId: number }> {
    const stmt = this.db.prepare(
      `SELECT v.chunk_id AS chunkId, c.file_id AS fileId, v.vector AS vector FROM vectors v JOIN chunks c ON c.id = v.chunk_id
       JOIN files f ON f.id = c.file_id AND f.embedding_set_id = v.embedding_set_id
       WHERE v.embedding_set_id = ? ORDER BY c.file_id, c.seq`,
    );
    yield* stmt.iterate(setId) as Iterable<StoredVector & { fileId: number }>;
  }

  /** How many vectors `vectors(setId)` returns. */
  count(setId: number): number {
    return this.db
      .prepare('SELECT COUNT(*) FROM vectors v JOIN chunks c ON c.id = v.chunk_id JOIN files f ON f.id = c.file_id AND f.embedding_set_id = v.embedding_set_id WHERE v.embedding_set_id = ?')
      .pluck()
      .get(setId) as number;
  }

  /**
   * `vectors(setId)` a page at a time: the next `files` files searched in the set after file id `after`,
   * each with its vectors in passage order; `last` is where the next page starts.
   */
  page(setId: number, after: number, files: number): { files: Map<number, StoredVector[]>; last: number; more: boolean } {
    const ids = this.db.prepare('SELECT id FROM files WHERE embedding_set_id = ? AND id > ? ORDER BY id LIMIT ?').pluck().all(setId, after, files) as number[];
    const out = new Map<number, StoredVector[]>();
    if (ids.length === 0) return { files: out, last: after, more: false };
    const rows = this.db
      .prepare(
        `SELECT v.chunk_id AS chunkId, c.file_id AS fileId, v.vector AS vector FROM vectors v JOIN chunks c ON c.id = v.chunk_id
         WHERE v.embedding_set_id = ? AND c.file_id IN (SELECT value FROM json_each(?)) ORDER BY c.file_id, c.seq`,
      )
      .all(setId, JSON.stringify(ids)) as (StoredVector & { fileId: number })[];
    for (const id of ids) out.set(id, []);
    for (const r of rows) out.get(r.fileId)!.push({ chunkId: r.chunkId, vector: r.vector });
    return { files: out, last: ids.at(-1)!, more: ids.length === files };
  }

  /** One file's vectors of one set, in passage order. */
  ofFile(fileId: number, setId: number): StoredVector[] {
    return this.db
      .prepare('SELECT v.chunk_id AS chunkId, v.vector AS vector FROM vectors v JOIN chunks c ON c.id = v.chunk_id WHERE c.file_id = ? AND v.embedding_set_id = ? ORDER BY c.seq')
      .all(fileId, setId) as StoredVector[];
  }

  /** Passages of indexed files without a vector of `setId`, by id after `afterId`: what a change of model still has to embed. */
  passagesWithout(setId: number, afterId: number, limit: number): { id: number; text: string }[] {
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
  add(setId: number, rows: { chunkId: number; vector: Float32Array }[]): number {
    const insert = this.db.prepare('INSERT OR REPLACE INTO vectors (chunk_id, embedding_set_id, vector) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM chunks WHERE id = ?)');
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
  use(setId: number): number | null {
    return this.db.transaction(() => (this.passagesWithout(setId, 0, 1).length > 0 ? null : this.adoptCompleteFiles(setId)))();
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

  /** Drop every stored vector of one set (a model removed or pruned); returns how many were dropped. Its saved vector file is its owner's to delete. */
  drop(setId: number): number {
    return this.db.transaction(() => {
      const n = this.db.prepare('DELETE FROM vectors WHERE embedding_set_id = ?').run(setId).changes;
      this.db.prepare("UPDATE files SET embedding_set_id = NULL WHERE embedding_set_id = ? AND state = 'indexed'").run(setId);
      return n;
    })();
  }
}
