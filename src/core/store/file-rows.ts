/** Reading the folders and file rows: by path, by folder, by content, by filter, and the files that failed. */
import type Database from 'better-sqlite3';
import { FILE_COLUMNS, type FolderRow, type IndexedFileRow } from './rows';

/** Which indexed files a search may return: in these folders, of these types (extensions), modified in [after, before). */
export interface FileFilter {
  folderIds?: number[];
  types?: string[];
  after?: number;
  before?: number;
}

export class FileRows {
  constructor(private readonly db: Database.Database) {}

  folders(): FolderRow[] {
    return this.db.prepare('SELECT id, path FROM folders ORDER BY path').all() as FolderRow[];
  }

  indexedCountByFolder(): Map<number, number> {
    const rows = this.db
      .prepare("SELECT folder_id AS id, COUNT(*) AS n FROM files WHERE state = 'indexed' GROUP BY folder_id")
      .all() as { id: number; n: number }[];
    return new Map(rows.map((r) => [r.id, r.n]));
  }

  byPath(path: string): IndexedFileRow | undefined {
    return this.db.prepare(`SELECT ${FILE_COLUMNS} FROM files WHERE path = ?`).get(path) as IndexedFileRow | undefined;
  }

  inFolder(folderId: number): IndexedFileRow[] {
    return this.db.prepare(`SELECT ${FILE_COLUMNS} FROM files WHERE folder_id = ?`).all(folderId) as IndexedFileRow[];
  }

  byIds(ids: number[]): Map<number, IndexedFileRow> {
    const out = new Map<number, IndexedFileRow>();
    const get = this.db.prepare(`SELECT ${FILE_COLUMNS} FROM files WHERE id = ?`);
    for (const id of ids) {
      const row = get.get(id) as IndexedFileRow | undefined;
      if (row) out.set(id, row);
    }
    return out;
  }

  /** Indexed files with this content hash and vector set, other than `exceptPath`: their vectors can be reused. */
  withContent(contentHash: string, embeddingSetId: number, exceptPath: string): IndexedFileRow[] {
    return this.db
      .prepare(`SELECT ${FILE_COLUMNS} FROM files WHERE content_hash = ? AND embedding_set_id = ? AND state = 'indexed' AND path <> ?`)
      .all(contentHash, embeddingSetId, exceptPath) as IndexedFileRow[];
  }

  indexedIds(): number[] {
    return this.db.prepare("SELECT id FROM files WHERE state = 'indexed'").pluck().all() as number[];
  }

  /** Indexed files in these folders, of these types (extensions), modified in [after, before). */
  matching(filter: FileFilter): number[] {
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

  problems(): { path: string; reason: string; at: number }[] {
    return this.db
      .prepare("SELECT path, error AS reason, updated_at AS at FROM files WHERE state = 'failed' ORDER BY path")
      .all() as { path: string; reason: string; at: number }[];
  }
}
