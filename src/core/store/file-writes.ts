/**
 * Every write of a file's row with its passages and vectors, each in one transaction, so after a crash
 * a file is either fully indexed or absent. Each write that replaces a row says which (the id it
 * deleted), read inside its own transaction: the caller need not look the path up first.
 */
import type Database from 'better-sqlite3';
import type { ChunkToStore, FileFacts, FolderRow, IndexedFileRow, StoredChunk, StoredVector } from './rows';
import type { WordIndex } from './word-index';

export class FileWrites {
  constructor(
    private readonly db: Database.Database,
    private readonly words: WordIndex,
  ) {}

  addFolder(path: string): FolderRow {
    this.db.prepare('INSERT OR IGNORE INTO folders (path, added_at) VALUES (?, ?)').run(path, Date.now());
    return this.db.prepare('SELECT id, path FROM folders WHERE path = ?').get(path) as FolderRow;
  }

  /** Forget a folder with its files, chunks and vectors (cascades). Returns the removed file ids. */
  removeFolder(path: string): number[] {
    return this.db.transaction(() => {
      const ids = this.db.prepare('SELECT f.id FROM files f JOIN folders d ON d.id = f.folder_id WHERE d.path = ?').pluck().all(path) as number[];
      this.db.prepare('DELETE FROM folders WHERE path = ?').run(path);
      return ids;
    })();
  }

  /** Replace whatever is stored for `facts.path` with these chunks and vectors, atomically. Returns the ids, chunks in order, and the id replaced. */
  writeIndexedFile(facts: FileFacts, embeddingSetId: number, chunks: ChunkToStore[]): { fileId: number; chunkIds: number[]; replaced: number | undefined } {
    return this.db.transaction(() => {
      const replaced = this.deletePath(facts.path);
      const fileId = this.insertFile(facts, 'indexed', null, embeddingSetId);
      this.words.setFile(fileId, facts.path);
      const insertChunk = this.db.prepare('INSERT INTO chunks (file_id, seq, start, end, location, text) VALUES (?, ?, ?, ?, ?, ?)');
      const insertVector = this.db.prepare('INSERT INTO vectors (chunk_id, embedding_set_id, vector) VALUES (?, ?, ?)');
      const chunkIds = chunks.map((c, seq) => {
        const chunkId = Number(insertChunk.run(fileId, seq, c.start, c.end, c.location, c.text).lastInsertRowid);
        this.words.addChunk(chunkId, c.text);
        insertVector.run(chunkId, embeddingSetId, Buffer.from(c.vector.buffer, c.vector.byteOffset, c.vector.byteLength));
        return chunkId;
      });
      this.words.addFileText(fileId, chunks);
      return { fileId, chunkIds, replaced };
    })();
  }

  /**
   * Store `facts.path` with a copy of another file's chunks and vectors, of every embedding set (same
   * content, no re-embedding). Returns the new ids with the copied vectors of `setId`, so the caller
   * need not read them again, and the id replaced.
   */
  copyIndexedFile(facts: FileFacts, source: IndexedFileRow, setId: number): { fileId: number; rows: StoredVector[]; replaced: number | undefined } {
    return this.db.transaction(() => {
      const replaced = this.deletePath(facts.path);
      const fileId = this.insertFile(facts, 'indexed', null, source.embeddingSetId);
      this.words.setFile(fileId, facts.path);
      const chunks = this.db
        .prepare('SELECT c.id, c.seq, c.start, c.end, c.location, c.text FROM chunks c WHERE c.file_id = ? ORDER BY c.seq')
        .all(source.id) as Omit<StoredChunk, 'fileId'>[];
      const insertChunk = this.db.prepare('INSERT INTO chunks (file_id, seq, start, end, location, text) VALUES (?, ?, ?, ?, ?, ?)');
      const copyVectors = this.db.prepare('INSERT INTO vectors (chunk_id, embedding_set_id, vector) SELECT ?, embedding_set_id, vector FROM vectors WHERE chunk_id = ?');
      const vectorOf = this.db.prepare('SELECT vector FROM vectors WHERE chunk_id = ? AND embedding_set_id = ?').pluck();
      const rows = chunks.map((c) => {
        const chunkId = Number(insertChunk.run(fileId, c.seq, c.start, c.end, c.location, c.text).lastInsertRowid);
        this.words.addChunk(chunkId, c.text);
        copyVectors.run(chunkId, c.id);
        return { chunkId, vector: vectorOf.get(chunkId, setId) as Buffer };
      });
      this.words.addFileText(fileId, chunks);
      return { fileId, rows, replaced };
    })();
  }

  /** A file moved or was renamed: keep its row, chunks and vectors under the new path. Returns the id of a row it displaced there. */
  moveFile(fileId: number, facts: FileFacts): number | undefined {
    return this.db.transaction(() => {
      const displaced = this.db.prepare('DELETE FROM files WHERE path = ? AND id <> ? RETURNING id').pluck().get(facts.path, fileId) as number | undefined;
      this.db
        .prepare('UPDATE files SET folder_id = ?, path = ?, size = ?, mtime_ms = ?, updated_at = ? WHERE id = ?')
        .run(facts.folderId, facts.path, facts.size, facts.mtimeMs, Date.now(), fileId);
      this.words.setFile(fileId, facts.path);
      return displaced;
    })();
  }

  /** Same content, new size/mtime (e.g. touched): remember them so the next scan skips the hash. */
  touchFile(fileId: number, size: number, mtimeMs: number): void {
    this.db.prepare('UPDATE files SET size = ?, mtime_ms = ? WHERE id = ?').run(size, mtimeMs, fileId);
  }

  /** Record that a file could not be indexed, dropping anything indexed for it before. Returns the id replaced. */
  writeFailedFile(facts: FileFacts, reason: string): number | undefined {
    return this.db.transaction(() => {
      const replaced = this.deletePath(facts.path);
      this.insertFile(facts, 'failed', reason, null);
      return replaced;
    })();
  }

  /** Forget a file; returns its id, or undefined when it was not stored. */
  deleteFile(path: string): number | undefined {
    return this.deletePath(path);
  }

  private deletePath(path: string): number | undefined {
    return this.db.prepare('DELETE FROM files WHERE path = ? RETURNING id').pluck().get(path) as number | undefined;
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
