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
import type { VectorSetSummary } from './rows';
import { VectorSets } from './vector-sets';
import { WordIndex } from './word-index';
import { removeVectors } from '../vectors/vector-file';

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

  /** Every embedding set with vectors stored (the CLI's `models prune` lists them; see IndexCounts.vectorSets). */
  vectorSets(): VectorSetSummary[] {
    return this.counts.vectorSets();
  }

  /**
   * Drop every vector of one set and its saved vector file, for a command line that opens no Corpus
   * (cli/commands/models.ts prune()). In the engine, Corpus.dropVectors does this: it owns the file.
   * @deprecated once the CLI prunes through corpus/drop-vectors.
   */
  dropVectorSet(setId: number): number {
    const dropped = this.sets.drop(setId);
    const file = this.sets.vectorFile(setId);
    if (file) removeVectors(file);
    return dropped;
  }
}
