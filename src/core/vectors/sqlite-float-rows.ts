/**
 * Float rows for exact rescoring read from SQLite by id: the database already holds every vector, so
 * the index keeps only int8 codes in memory. A few hundred primary-key lookups per query.
 */
import type Database from 'better-sqlite3';
import type { FloatRows } from './exact-scores';

/** `select` takes one id and returns that row's vector BLOB (e.g. `SELECT vector FROM vectors WHERE chunk_id = ?`). */
export function sqliteFloatRows(db: Database.Database, select: string, dimension: number): FloatRows {
  const stmt = db.prepare<[number], Buffer>(select).pluck();
  return {
    read(ids) {
      const out = new Float32Array(ids.length * dimension);
      const bytes = new Uint8Array(out.buffer);
      for (let i = 0; i < ids.length; i++) {
        const blob = stmt.get(ids[i]);
        if (!blob || blob.byteLength !== dimension * 4) throw new Error(`vector ${ids[i]}: ${blob ? `${blob.byteLength / 4} dimensions, expected ${dimension}` : 'missing from the database'}`);
        bytes.set(blob, i * dimension * 4);
      }
      return out;
    },
  };
}
