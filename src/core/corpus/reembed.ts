/**
 * Move an index to another model without reading a single file again: every stored passage text is
 * embedded by the new model, then the index changes over in one transaction.
 *
 * New vectors go to a staging SQLite file beside the index (`<index>.reembed-<set>.sqlite`), one
 * transaction per batch, so a kill -9 loses at most the batch in flight and the next run continues
 * where it stopped. The index itself is untouched until every passage has its new vector: until then
 * the old model's vectors keep answering searches. The change-over (vectors and files to the new
 * embedding set) is one transaction; a run after a crash during it finds nothing left to do.
 *
 * Why staging and not a second row per passage: the index keeps one vector per passage (vectors'
 * key is chunk_id), so the old model's vectors are replaced, not kept beside the new ones.
 */
import Database from 'better-sqlite3';
import { existsSync, rmSync } from 'node:fs';
import { PIPELINE_VERSION } from '../pipeline';
import { IndexStore } from '../store/index-store';
import type { Embedder } from '../embed/types';

export interface ReembedProgress {
  /** Passages with a vector from the new model (including those from an interrupted run). */
  done: number;
  total: number;
  passagesPerSecond: number;
  etaSeconds: number | null;
}

export interface ReembedResult {
  /** The index's model before and after. */
  from: string[];
  to: string;
  /** Passages embedded by this run, and those found already embedded by an interrupted one. */
  embedded: number;
  resumed: number;
  /** Files that changed over. */
  files: number;
}

export interface ReembedOptions {
  /** Passages per model call and per staging transaction (default 64). */
  batch?: number;
  signal?: AbortSignal;
  onProgress?: (p: ReembedProgress) => void;
}

export const stagingPath = (dbPath: string, setId: number) => `${dbPath}.reembed-${setId}.sqlite`;

export async function reembedIndex(dbPath: string, embedder: Embedder, options: ReembedOptions = {}): Promise<ReembedResult> {
  const store = new IndexStore(dbPath);
  try {
    const db = store.db;
    const target = store.embeddingSet(embedder.modelId, embedder.dimension, PIPELINE_VERSION);
    const from = (
      db
        .prepare(`SELECT DISTINCT es.model_id AS m FROM files f JOIN embedding_sets es ON es.id = f.embedding_set_id WHERE f.state = 'indexed' AND f.embedding_set_id <> ?`)
        .all(target) as Array<{ m: string }>
    ).map((r) => r.m);
    const staging = stagingPath(dbPath, target);
    const stage = new Database(staging);
    stage.pragma('journal_mode = WAL');
    stage.exec('CREATE TABLE IF NOT EXISTS pending (chunk_id INTEGER PRIMARY KEY, vector BLOB NOT NULL)');
    const staged = new Set((stage.prepare('SELECT chunk_id AS id FROM pending').all() as Array<{ id: number }>).map((r) => r.id));
    const todo = (
      db
        .prepare(`SELECT c.id, c.text FROM chunks c JOIN files f ON f.id = c.file_id WHERE f.state = 'indexed' AND f.embedding_set_id <> ? ORDER BY c.id`)
        .all(target) as Array<{ id: number; text: string }>
    ).filter((c) => !staged.has(c.id));
    const total = todo.length + staged.size;
    const insert = stage.prepare('INSERT OR REPLACE INTO pending (chunk_id, vector) VALUES (?, ?)');
    const write = stage.transaction((rows: Array<{ id: number; vector: Float32Array }>) => {
      for (const r of rows) insert.run(r.id, Buffer.from(r.vector.buffer, r.vector.byteOffset, r.vector.byteLength));
    });
    const batch = options.batch ?? 64;
    const t0 = performance.now();
    let embedded = 0;
    try {
      for (let i = 0; i < todo.length; i += batch) {
        if (options.signal?.aborted) throw new Error('re-embedding cancelled; what was done is kept and the next run continues');
        const part = todo.slice(i, i + batch);
        const vectors = await embedder.encode(
          part.map((c) => c.text),
          { role: 'passage' },
        );
        write(part.map((c, k) => ({ id: c.id, vector: vectors[k] })));
        embedded += part.length;
        const rate = embedded / ((performance.now() - t0) / 1000);
        options.onProgress?.({ done: staged.size + embedded, total, passagesPerSecond: rate, etaSeconds: rate > 0 ? (total - staged.size - embedded) / rate : null });
      }
    } finally {
      stage.close();
    }
    // Every passage has its new vector: change over in one transaction.
    db.prepare('ATTACH DATABASE ? AS staging').run(staging);
    let files = 0;
    try {
      db.transaction(() => {
        db.prepare(
          `UPDATE vectors SET embedding_set_id = ?, vector = (SELECT p.vector FROM staging.pending p WHERE p.chunk_id = vectors.chunk_id)
           WHERE chunk_id IN (SELECT chunk_id FROM staging.pending)`,
        ).run(target);
        files = db
          .prepare(
            `UPDATE files SET embedding_set_id = ? WHERE state = 'indexed' AND embedding_set_id <> ?
             AND NOT EXISTS (SELECT 1 FROM chunks c WHERE c.file_id = files.id AND c.id NOT IN (SELECT chunk_id FROM staging.pending))`,
          )
          .run(target, target).changes;
      })();
    } finally {
      db.prepare('DETACH DATABASE staging').run();
    }
    for (const suffix of ['', '-wal', '-shm']) if (existsSync(staging + suffix)) rmSync(staging + suffix);
    return { from, to: embedder.modelId, embedded, resumed: staged.size, files };
  } finally {
    store.close();
  }
}
