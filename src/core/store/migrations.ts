/**
 * Numbered schema migrations. Each runs in its own transaction that also sets PRAGMA user_version, so a
 * crash leaves the database at the previous version, never half-way. Append; never edit a shipped one.
 */
import type Database from 'better-sqlite3';
import { basename } from 'node:path';
import { indexText, rankingText } from '../words/words';
import { runMigrations, type Migration } from './sqlite';
import { fileTextOf } from './word-index';

export type { Migration };

/**
 * Fill a keyword table from the passage texts already stored: no re-extraction, no re-embedding.
 * In pages by id: better-sqlite3 cannot write while a read on the same connection is open.
 */
function fillFromPassages(db: Database.Database, table: 'chunk_words' | 'chunk_stems', form: (text: string) => string = indexText): void {
  const insert = db.prepare(`INSERT INTO ${table} (rowid, text) VALUES (?, ?)`);
  const page = db.prepare('SELECT id, text FROM chunks WHERE id > ? ORDER BY id LIMIT 5000');
  for (let last = 0; ; ) {
    const rows = page.all(last) as { id: number; text: string }[];
    if (rows.length === 0) break;
    for (const c of rows) insert.run(c.id, form(c.text));
    last = rows.at(-1)!.id;
  }
}

/** Fill file_stems with each file's whole text, put together from its stored passages (in pages, as above). */
function fillFilesFromPassages(db: Database.Database): void {
  const insert = db.prepare('INSERT INTO file_stems (rowid, text) VALUES (?, ?)');
  const page = db.prepare('SELECT file_id AS fileId, seq, start, end, text FROM chunks WHERE (file_id, seq) > (?, ?) ORDER BY file_id, seq LIMIT 5000');
  let fileId = 0;
  let passages: { start: number; end: number; text: string }[] = [];
  const flush = () => passages.length && insert.run(fileId, rankingText(fileTextOf(passages)));
  for (let last = [0, -1]; ; ) {
    const rows = page.all(...last) as { fileId: number; seq: number; start: number; end: number; text: string }[];
    if (rows.length === 0) break;
    for (const r of rows) {
      if (r.fileId !== fileId) {
        flush();
        [fileId, passages] = [r.fileId, []];
      }
      passages.push(r);
    }
    last = [rows.at(-1)!.fileId, rows.at(-1)!.seq];
  }
  flush();
}

export const migrations: Migration[] = [
  {
    version: 1,
    name: 'folders, files, chunks, vectors, embedding sets',
    up(db) {
      db.exec(`
        CREATE TABLE folders (
          id INTEGER PRIMARY KEY,
          path TEXT NOT NULL UNIQUE,
          added_at INTEGER NOT NULL
        );
        -- One row per model id + dimension + pipeline version: vectors made under different rows never mix.
        CREATE TABLE embedding_sets (
          id INTEGER PRIMARY KEY,
          model_id TEXT NOT NULL,
          dimension INTEGER NOT NULL,
          pipeline_version INTEGER NOT NULL,
          UNIQUE (model_id, dimension, pipeline_version)
        );
        CREATE TABLE files (
          id INTEGER PRIMARY KEY,
          folder_id INTEGER NOT NULL REFERENCES folders(id) ON DELETE CASCADE,
          path TEXT NOT NULL UNIQUE,
          size INTEGER NOT NULL,
          mtime_ms REAL NOT NULL,
          content_hash TEXT,
          state TEXT NOT NULL CHECK (state IN ('indexed', 'failed')),
          error TEXT,
          embedding_set_id INTEGER REFERENCES embedding_sets(id),
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX files_folder ON files(folder_id);
        CREATE INDEX files_hash ON files(content_hash);
        CREATE TABLE chunks (
          id INTEGER PRIMARY KEY,
          file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
          seq INTEGER NOT NULL,
          start INTEGER NOT NULL,
          end INTEGER NOT NULL,
          location TEXT,
          text TEXT NOT NULL,
          UNIQUE (file_id, seq)
        );
        CREATE TABLE vectors (
          chunk_id INTEGER PRIMARY KEY REFERENCES chunks(id) ON DELETE CASCADE,
          embedding_set_id INTEGER NOT NULL REFERENCES embedding_sets(id),
          vector BLOB NOT NULL
        );
        CREATE INDEX vectors_set ON vectors(embedding_set_id);
      `);
    },
  },
  {
    version: 2,
    name: 'keyword index (FTS5) over passages and file names, filled from the stored passages',
    up(db) {
      // Contentless: the text is in chunks already; the index keeps only tokens and positions (phrases
      // and bm25 work, the text is not stored twice). contentless_delete lets a row be deleted by id.
      // Deletes follow chunks and files by trigger (cascades included); inserts are written by
      // IndexStore in the same transaction as the chunk, because CJK text is spaced by words.ts first.
      db.exec(`
        CREATE VIRTUAL TABLE chunk_words USING fts5(text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
        CREATE VIRTUAL TABLE file_words USING fts5(name, path, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
        CREATE VIRTUAL TABLE chunk_vocab USING fts5vocab(chunk_words, 'row');
        CREATE TRIGGER chunk_words_delete AFTER DELETE ON chunks BEGIN DELETE FROM chunk_words WHERE rowid = old.id; END;
        CREATE TRIGGER file_words_delete AFTER DELETE ON files BEGIN DELETE FROM file_words WHERE rowid = old.id; END;
      `);
      fillFromPassages(db, 'chunk_words');
      const file = db.prepare('INSERT INTO file_words (rowid, name, path) VALUES (?, ?, ?)');
      for (const f of db.prepare("SELECT id, path FROM files WHERE state = 'indexed'").all() as { id: number; path: string }[]) {
        file.run(f.id, indexText(basename(f.path)), indexText(f.path));
      }
    },
  },
  {
    version: 3,
    name: 'stemmed keyword index (FTS5 porter) for ranking, filled from the stored passages',
    up(db) {
      // Ranking by word stems: "mutations" finds "mutation", "regulates" finds "regulated". On the full
      // SciFact corpus the keyword side scored nDCG@10 57.97 on exact words (the fusion 67.78); with
      // stems see the README's table. chunk_words stays for what must be exact: a quoted phrase, a
      // -word, the vocabulary spelling correction suggests words from (stems are not words).
      db.exec(`
        CREATE VIRTUAL TABLE chunk_stems USING fts5(text, content='', contentless_delete=1, tokenize='porter unicode61 remove_diacritics 2');
        CREATE TRIGGER chunk_stems_delete AFTER DELETE ON chunks BEGIN DELETE FROM chunk_stems WHERE rowid = old.id; END;
      `);
      fillFromPassages(db, 'chunk_stems');
    },
  },
  {
    version: 4,
    name: 'a vector per passage per embedding set (vectors of several models side by side)',
    up(db) {
      // Until now a passage held one vector (key chunk_id), so changing the model replaced the old
      // model's vectors. Keyed by (passage, set), the old set stays beside the new one: the old model
      // answers until the new set is complete, and switching back to a complete set embeds nothing.
      // A rowid table, not WITHOUT ROWID: a 384-d vector is 1.5 KB, too wide for a clustered key.
      db.exec(`
        CREATE TABLE vectors_by_set (
          chunk_id INTEGER NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
          embedding_set_id INTEGER NOT NULL REFERENCES embedding_sets(id),
          vector BLOB NOT NULL,
          PRIMARY KEY (chunk_id, embedding_set_id)
        );
        INSERT INTO vectors_by_set (chunk_id, embedding_set_id, vector) SELECT chunk_id, embedding_set_id, vector FROM vectors;
        DROP TABLE vectors;
        ALTER TABLE vectors_by_set RENAME TO vectors;
        CREATE INDEX vectors_set ON vectors(embedding_set_id);
      `);
    },
  },
  {
    version: 5,
    name: 'a change counter per embedding set (stamps the saved vector file)',
    up(db) {
      // The vector file beside the database (vectors/vector-file.ts) lets start-up read a million rows
      // in one pass; it is used only when its stamp equals its set's counter here. Triggers bump the
      // counter in the same transaction as every change to what Corpus.load reads for that set (its
      // vectors, and files entering or leaving it, whose passages' vectors cascade away with them) —
      // whoever writes: the app, the CLI, a model switch, a prune. So after a kill -9 the file is stale
      // exactly when the database moved on without it.
      const bump = (set: string) =>
        `INSERT OR IGNORE INTO index_changes (embedding_set_id, version) SELECT ${set}, 0 WHERE ${set} IS NOT NULL;
         UPDATE index_changes SET version = version + 1 WHERE embedding_set_id = ${set};`;
      db.exec(`
        CREATE TABLE index_changes (embedding_set_id INTEGER PRIMARY KEY, version INTEGER NOT NULL);
        CREATE TRIGGER index_changes_vector_insert AFTER INSERT ON vectors BEGIN ${bump('NEW.embedding_set_id')} END;
        CREATE TRIGGER index_changes_vector_delete AFTER DELETE ON vectors BEGIN ${bump('OLD.embedding_set_id')} END;
        CREATE TRIGGER index_changes_vector_update AFTER UPDATE ON vectors BEGIN ${bump('OLD.embedding_set_id')} ${bump('NEW.embedding_set_id')} END;
        CREATE TRIGGER index_changes_file_delete AFTER DELETE ON files BEGIN ${bump('OLD.embedding_set_id')} END;
        CREATE TRIGGER index_changes_file_update AFTER UPDATE OF state, embedding_set_id ON files BEGIN ${bump('OLD.embedding_set_id')} ${bump('NEW.embedding_set_id')} END;
      `);
    },
  },
  {
    version: 6,
    name: 'ranking by Snowball stems and CJK bigrams, per passage and per whole file, filled from the stored passages',
    up(db) {
      // Measured on SciFact's 809 training claims (the figures are in fusion.ts): Snowball's English
      // stemmer (porter2, in JS before FTS5) over FTS5's Porter, and each file ranked by the better of
      // its whole text's bm25 and its best passage's. CJK runs become overlapping bigrams (words.ts),
      // so 数据库 no longer matches every passage holding 数, 据 and 库 anywhere. Rebuilt from the
      // passage texts already stored: no re-extraction, no re-embedding. chunk_words (exact words,
      // one token per CJK character) is unchanged.
      db.exec(`
        DROP TRIGGER chunk_stems_delete;
        DROP TABLE chunk_stems;
        CREATE VIRTUAL TABLE chunk_stems USING fts5(text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
        CREATE TRIGGER chunk_stems_delete AFTER DELETE ON chunks BEGIN DELETE FROM chunk_stems WHERE rowid = old.id; END;
        CREATE VIRTUAL TABLE file_stems USING fts5(text, content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 2');
        CREATE TRIGGER file_stems_delete AFTER DELETE ON files BEGIN DELETE FROM file_stems WHERE rowid = old.id; END;
      `);
      fillFromPassages(db, 'chunk_stems', rankingText);
      fillFilesFromPassages(db);
    },
  },
];

/** Bring `db` up to the newest version; returns the versions applied. */
export function migrate(db: Database.Database, list: Migration[] = migrations): number[] {
  return runMigrations(db, list, 'index');
}
