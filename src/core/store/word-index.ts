/**
 * The keyword side of the index: SQLite FTS5 over every passage and over each file's name and path
 * (migration 2). Rows are written by IndexStore inside the transaction that writes the chunk or file,
 * and deleted by trigger with them, so a file is never in one index and missing from the other.
 */
import type Database from 'better-sqlite3';
import { basename } from 'node:path';
import { indexText } from '../words/words';

/** One passage found by the keyword index. */
export interface WordHit {
  chunkId: number;
  fileId: number;
  /** bm25 relevance, higher is better (FTS5's rank negated). */
  score: number;
}

export class WordIndex {
  private readonly insertChunk: Database.Statement<[number, string]>;
  private readonly insertStems: Database.Statement<[number, string]>;
  private readonly insertFile: Database.Statement<[number, string, string]>;
  private readonly deleteFile: Database.Statement<[number]>;
  private rankedStmt: Database.Statement | null = null;
  private stemCountStmt: Database.Statement | null = null;

  constructor(private readonly db: Database.Database) {
    this.insertChunk = db.prepare('INSERT INTO chunk_words (rowid, text) VALUES (?, ?)');
    this.insertStems = db.prepare('INSERT INTO chunk_stems (rowid, text) VALUES (?, ?)');
    this.insertFile = db.prepare('INSERT INTO file_words (rowid, name, path) VALUES (?, ?, ?)');
    this.deleteFile = db.prepare('DELETE FROM file_words WHERE rowid = ?');
  }

  /** Called inside the transaction that inserts the chunk. */
  addChunk(chunkId: number, text: string): void {
    const spaced = indexText(text);
    this.insertChunk.run(chunkId, spaced);
    this.insertStems.run(chunkId, spaced);
  }

  /** Called inside the transaction that inserts or moves the file row. */
  setFile(fileId: number, path: string): void {
    this.deleteFile.run(fileId);
    this.insertFile.run(fileId, indexText(basename(path)), indexText(path));
  }

  /**
   * The best `limit` passages for an FTS5 query by bm25 over word stems (chunk_stems: "mutations"
   * matches "mutation"), optionally only in files `within` (ids).
   * A malformed query is the caller's bug (queries are built from quoted phrases), so it throws.
   */
  passages(match: string, limit: number, within: Set<number> | null): WordHit[] {
    if (within) {
      return this.db
        .prepare(
          `SELECT c.id AS chunkId, c.file_id AS fileId, -w.rank AS score
           FROM chunk_stems w JOIN chunks c ON c.id = w.rowid
           WHERE chunk_stems MATCH ? AND c.file_id IN (SELECT value FROM json_each(?)) ORDER BY w.rank LIMIT ?`,
        )
        .all(match, JSON.stringify([...within]), limit) as WordHit[];
    }
    // Ranked inside FTS5 first, joined after: the join would otherwise run for every matching passage.
    this.rankedStmt ??= this.db.prepare(
      `SELECT c.id AS chunkId, c.file_id AS fileId, r.score AS score
       FROM (SELECT rowid, -rank AS score FROM chunk_stems WHERE chunk_stems MATCH ? ORDER BY rank LIMIT ?) r
       JOIN chunks c ON c.id = r.rowid ORDER BY r.score DESC`,
    );
    return this.rankedStmt.all(match, limit) as WordHit[];
  }

  /** How many passages hold a word's stem (an FTS5 phrase of one token), as bm25 counts it. */
  passagesWithStem(phrase: string): number {
    this.stemCountStmt ??= this.db.prepare('SELECT count(*) FROM chunk_stems WHERE chunk_stems MATCH ?').pluck();
    return this.stemCountStmt.get(phrase) as number;
  }

  /** Ids of files with at least one passage matching `match`. */
  filesContaining(match: string): Set<number> {
    const ids = this.db
      .prepare('SELECT DISTINCT c.file_id FROM chunk_words w JOIN chunks c ON c.id = w.rowid WHERE chunk_words MATCH ?')
      .pluck()
      .all(match) as number[];
    return new Set(ids);
  }

  /** Files whose name or path matches `match` (an FTS5 query with column filters), best first. */
  filesNamed(match: string, limit: number): number[] {
    return this.db
      .prepare('SELECT rowid FROM file_words WHERE file_words MATCH ? ORDER BY bm25(file_words, 4.0, 1.0) LIMIT ?')
      .pluck()
      .all(match, limit) as number[];
  }

  /** How many passages hold `term` (a single token), 0 when none. */
  passagesWith(term: string): number {
    return (this.db.prepare('SELECT doc FROM chunk_vocab WHERE term = ?').pluck().get(term) as number | undefined) ?? 0;
  }

  /** Every token of the passages with the number of passages holding it (for spelling correction). */
  vocabulary(): { term: string; doc: number }[] {
    return this.db.prepare('SELECT term, doc FROM chunk_vocab').all() as { term: string; doc: number }[];
  }
}
