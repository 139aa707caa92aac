/**
 * The keyword side of the index: SQLite FTS5 over every passage and over each file's name and path
 * (migration 2), and for ranking, each passage's and each whole file's stems (migration 6). Rows are
 * written by IndexStore inside the transaction that writes the chunk or file, and deleted by trigger
 * with them, so a file is never in one index and missing from the other.
 *
 * A file ranks by the better of two bm25 scores: the whole file's (file_stems: a claim's words spread
 * over an abstract's two passages count together, as BM25 over whole documents counts them) and its
 * best passage's (chunk_stems: a long file holding the words in one place is not lost to the length
 * normalisation of its whole text). Measured on SciFact's training claims: see fusion.ts.
 */
import type Database from 'better-sqlite3';
import { basename } from 'node:path';
import { indexText, rankingText } from '../words/words';

/** One passage found by the keyword index. */
export interface WordHit {
  chunkId: number;
  fileId: number;
  /**
   * bm25 relevance, higher is better (FTS5's rank negated): the better of its file's and its own, plus
   * a millionth of its own, so that a file's passages come in the order of their own match.
   */
  score: number;
}

/** Passages of one file as stored: exact slices of its text, in order, neighbours overlapping. */
export type FilePassages = readonly { start: number; end: number; text: string }[];

/** The file's text from its passages, each overlap once (gaps, never stored, become a line break). */
export function fileTextOf(passages: FilePassages): string {
  let out = '';
  let end = -Infinity;
  for (const p of passages) {
    if (p.start >= end) out += (out ? '\n' : '') + p.text;
    else if (p.end > end) out += p.text.slice(end - p.start);
    end = Math.max(end, p.end);
  }
  return out;
}

/** Passages of a file found by its whole text alone that stand for it (see passages()). */
const PASSAGES_OF_MISSING = 8;

/** A passage's own bm25 weighs this much beside its file's in WordHit.score (only orders a file's passages). */
const OWN = 1e-6;

export class WordIndex {
  private readonly insertChunk: Database.Statement<[number, string]>;
  private readonly insertStems: Database.Statement<[number, string]>;
  private readonly insertFile: Database.Statement<[number, string, string]>;
  private readonly insertFileStems: Database.Statement<[number, string]>;
  private readonly deleteFile: Database.Statement<[number]>;
  private rankedStmt: Database.Statement | null = null;
  private rankedFilesStmt: Database.Statement | null = null;
  private firstPassagesStmt: Database.Statement | null = null;
  private stemCountStmt: Database.Statement | null = null;
  private fileCountStmt: Database.Statement | null = null;

  constructor(private readonly db: Database.Database) {
    this.insertChunk = db.prepare('INSERT INTO chunk_words (rowid, text) VALUES (?, ?)');
    this.insertStems = db.prepare('INSERT INTO chunk_stems (rowid, text) VALUES (?, ?)');
    this.insertFile = db.prepare('INSERT INTO file_words (rowid, name, path) VALUES (?, ?, ?)');
    this.insertFileStems = db.prepare('INSERT INTO file_stems (rowid, text) VALUES (?, ?)');
    this.deleteFile = db.prepare('DELETE FROM file_words WHERE rowid = ?');
  }

  /** Called inside the transaction that inserts the chunk. */
  addChunk(chunkId: number, text: string): void {
    this.insertChunk.run(chunkId, indexText(text));
    this.insertStems.run(chunkId, rankingText(text));
  }

  /** The whole file's stems; called inside the transaction that inserts its passages (a new file id). */
  addFileText(fileId: number, passages: FilePassages): void {
    this.insertFileStems.run(fileId, rankingText(fileTextOf(passages)));
  }

  /** Called inside the transaction that inserts or moves the file row. */
  setFile(fileId: number, path: string): void {
    this.deleteFile.run(fileId);
    this.insertFile.run(fileId, indexText(basename(path)), indexText(path));
  }

  /**
   * Passages for an FTS5 query over the ranking words (rankingPhrase: stems), best first: the best
   * `limit` passages by their own bm25 and, for the best `limit` files by the whole file's bm25 that
   * have none among them, their first passages; each scored as WordHit.score says. Optionally only in files
   * `within` (ids). A malformed query is the caller's bug (queries are built from quoted phrases), so
   * it throws.
   */
  passages(match: string, limit: number, within: Set<number> | null): WordHit[] {
    const own = this.bestPassages(match, limit, within);
    const files = this.bestFiles(match, limit, within);
    const fileScore = new Map(files.map((f) => [f.fileId, f.score]));
    const hits = new Map<number, WordHit>();
    const add = (p: WordHit) => hits.set(p.chunkId, { ...p, score: Math.max(p.score, fileScore.get(p.fileId) ?? 0) + OWN * p.score });
    own.forEach(add);
    // A file ranked by its whole text none of whose passages is among the best passages (its words
    // are spread out): its first passages carry its score, and meaning picks among them in a hybrid
    // search. Ranking its passages by their own bm25 instead cost a second full FTS5 query (12 ms
    // against 6 per SciFact claim, 48 against 13 at 100,000 passages), for the same nDCG.
    const seen = new Set(own.map((p) => p.fileId));
    const missing = files.filter((f) => !seen.has(f.fileId));
    if (missing.length) {
      this.firstPassagesStmt ??= this.db.prepare(
        `SELECT id AS chunkId, file_id AS fileId, 0 AS score FROM chunks
         WHERE file_id IN (SELECT value FROM json_each(?)) AND seq < ${PASSAGES_OF_MISSING} ORDER BY file_id, seq`,
      );
      (this.firstPassagesStmt.all(JSON.stringify(missing.map((f) => f.fileId))) as WordHit[]).forEach(add);
    }
    return [...hits.values()].sort((a, b) => b.score - a.score || a.chunkId - b.chunkId);
  }

  private bestPassages(match: string, limit: number, within: Set<number> | null): WordHit[] {
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

  private bestFiles(match: string, limit: number, within: Set<number> | null): { fileId: number; score: number }[] {
    if (within) {
      return this.db
        .prepare('SELECT rowid AS fileId, -rank AS score FROM file_stems WHERE file_stems MATCH ? AND rowid IN (SELECT value FROM json_each(?)) ORDER BY rank LIMIT ?')
        .all(match, JSON.stringify([...within]), limit) as { fileId: number; score: number }[];
    }
    this.rankedFilesStmt ??= this.db.prepare('SELECT rowid AS fileId, -rank AS score FROM file_stems WHERE file_stems MATCH ? ORDER BY rank LIMIT ?');
    return this.rankedFilesStmt.all(match, limit) as { fileId: number; score: number }[];
  }

  /** How many files hold a ranking phrase (rankingPhrase of one word), as the files' bm25 counts it. */
  filesWithStem(phrase: string): number {
    this.fileCountStmt ??= this.db.prepare('SELECT count(*) FROM file_stems WHERE file_stems MATCH ?').pluck();
    return this.fileCountStmt.get(phrase) as number;
  }

  /** How many passages hold a ranking phrase, as the passages' bm25 counts it. */
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
