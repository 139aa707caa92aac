/**
 * Everything the engine keeps on disk, behind named operations grouped by idea: file rows and folders
 * (reads), the write transactions, passages, embedding sets and their vectors, counts, and the keyword
 * index. Only Corpus (src/core/corpus) uses it in the running engine.
 */
import type Database from 'better-sqlite3';
import { FileRows } from './file-rows';
import { FileWrites } from './file-writes';
import { IndexCounts } from './index-counts';
import { openDatabase } from './open-database';
import { PassageRows } from './passage-rows';
import { VectorSets } from './vector-sets';
import { WordIndex } from './word-index';

export type { ChunkToStore, FileFacts, FolderRow, IndexedFileRow, StoredChunk, VectorSetSummary } from './rows';

export class IndexStore {
  readonly db: Database.Database;
  /** The keyword index over the same passages and file names (FTS5, same database and transactions). */
  readonly words: WordIndex;
  readonly files: FileRows;
  readonly writes: FileWrites;
  readonly passages: PassageRows;
  readonly sets: VectorSets;
  readonly counts: IndexCounts;

  constructor(file: string) {
    this.db = openDatabase(file);
    this.words = new WordIndex(this.db);
    this.files = new FileRows(this.db);
    this.writes = new FileWrites(this.db, this.words);
    this.passages = new PassageRows(this.db);
    this.sets = new VectorSets(this.db);
    this.counts = new IndexCounts(this.db);
  }

  close(): void {
    this.db.close();
  }

  /** Give the space of dropped rows back to the file system, not only to SQLite's free list (after a prune). */
  compact(): void {
    this.db.exec('VACUUM');
  }
}
