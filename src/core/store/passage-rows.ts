/** Reading stored passages (chunks): by id for search hits, a file's first for a file found by name, a file's all for a preview. */
import type Database from 'better-sqlite3';
import { CHUNK_COLUMNS, type StoredChunk } from './rows';

export class PassageRows {
  private byIdsStmt: Database.Statement | null = null;

  constructor(private readonly db: Database.Database) {}

  /** Rows of these chunks (one statement, prepared once: search reads a hundred per query). */
  byIds(ids: number[]): Map<number, StoredChunk> {
    this.byIdsStmt ??= this.db.prepare(`SELECT ${CHUNK_COLUMNS} FROM chunks WHERE id IN (SELECT value FROM json_each(?))`);
    const out = new Map<number, StoredChunk>();
    if (ids.length === 0) return out;
    for (const row of this.byIdsStmt.all(JSON.stringify(ids)) as StoredChunk[]) out.set(row.id, row);
    return out;
  }

  /** The first passage of a file (a file found by its name shows it), or undefined. */
  first(fileId: number): number | undefined {
    return this.db.prepare('SELECT id FROM chunks WHERE file_id = ? ORDER BY seq LIMIT 1').pluck().get(fileId) as number | undefined;
  }

  ofFile(fileId: number): StoredChunk[] {
    return this.db.prepare(`SELECT ${CHUNK_COLUMNS} FROM chunks WHERE file_id = ? ORDER BY seq`).all(fileId) as StoredChunk[];
  }
}
