/**
 * Numbered schema migrations of questions.db. Each runs in its own transaction that also sets
 * PRAGMA user_version, so a crash leaves the file at the previous version, never half-way.
 * Append new ones; never edit one that has shipped.
 */
import type Database from 'better-sqlite3';
import { runMigrations, type Migration } from '../store/sqlite';

export type { Migration };

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'banks and questions',
    up(db) {
      db.exec(`
        CREATE TABLE banks (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE COLLATE NOCASE,
          source_file TEXT,
          -- The import options used for source_file (JSON), so sync() reads the file the same way.
          source_options TEXT,
          -- Vectors of a bank all come from this model; another model means re-embedding, never mixing.
          model_id TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE TABLE questions (
          id INTEGER PRIMARY KEY,
          bank_id INTEGER NOT NULL REFERENCES banks(id) ON DELETE CASCADE,
          external_id TEXT,
          question TEXT NOT NULL,
          answer TEXT,
          -- sha256 of question + answer: an unchanged row is skipped on re-import.
          content_hash TEXT NOT NULL,
          -- sha256 of the question alone: only a changed question is embedded again.
          question_hash TEXT NOT NULL,
          vector BLOB NOT NULL
        );
        CREATE INDEX questions_bank ON questions(bank_id);
        CREATE UNIQUE INDEX questions_bank_external ON questions(bank_id, external_id) WHERE external_id IS NOT NULL;
      `);
    },
  },
  {
    version: 2,
    name: 'duplicate pair reviews',
    up(db) {
      db.exec(`
        CREATE TABLE pair_reviews (
          bank_id INTEGER NOT NULL REFERENCES banks(id) ON DELETE CASCADE,
          -- Question row ids with a_id < b_id; a review outlives neither question.
          a_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
          b_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
          decision TEXT NOT NULL CHECK (decision IN ('keep', 'merge', 'dismiss')),
          decided_at INTEGER NOT NULL,
          PRIMARY KEY (a_id, b_id),
          CHECK (a_id < b_id)
        );
        CREATE INDEX pair_reviews_bank ON pair_reviews(bank_id);
      `);
    },
  },
  {
    version: 3,
    name: 'merged pairs kept as training data',
    up(db) {
      db.exec(`
        -- A merge removes the second question, and its pair_reviews row with it. The pair's texts stay
        -- here: a merged pair is the surest "same question" example a bank has (questions export-pairs).
        CREATE TABLE merged_pairs (
          id INTEGER PRIMARY KEY,
          bank_id INTEGER NOT NULL REFERENCES banks(id) ON DELETE CASCADE,
          kept_question TEXT NOT NULL,
          merged_question TEXT NOT NULL,
          -- Their similarity when merged (as Duplicates scored it): mined hard negatives must score below it.
          score REAL NOT NULL,
          merged_at INTEGER NOT NULL
        );
        CREATE INDEX merged_pairs_bank ON merged_pairs(bank_id);
      `);
    },
  },
  {
    version: 4,
    name: 'question vectors of other models (a change of model under way, or a model used before)',
    up(db) {
      db.exec(`
        -- questions.vector holds the vector of the bank's model (banks.model_id), which answers. A change
        -- of model fills this table for the new model first, batch by batch (a kill loses one batch),
        -- then swaps it in with one transaction; the old model's vectors stay here for switching back.
        -- A question whose text changes drops its rows here: they were made from the old text.
        CREATE TABLE question_vectors (
          question_id INTEGER NOT NULL REFERENCES questions(id) ON DELETE CASCADE,
          model_id TEXT NOT NULL,
          vector BLOB NOT NULL,
          PRIMARY KEY (question_id, model_id)
        );
        CREATE TRIGGER question_vectors_stale AFTER UPDATE OF question ON questions WHEN new.question IS NOT old.question
        BEGIN DELETE FROM question_vectors WHERE question_id = new.id; END;
      `);
    },
  },
];

/** Bring `db` up to the newest version; returns the versions applied. */
export function migrate(db: Database.Database, list: Migration[] = migrations): number[] {
  return runMigrations(db, list, 'questions');
}
