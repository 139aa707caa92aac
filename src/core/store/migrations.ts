/**
 * Numbered schema migrations. Each runs in its own transaction that also sets PRAGMA user_version, so a
 * crash leaves the database at the previous version, never half-way. Append; never edit a shipped one.
 */
import type Database from 'better-sqlite3';
import { runMigrations, type Migration } from './sqlite';

export type { Migration };

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
];

/** Bring `db` up to the newest version; returns the versions applied. */
export function migrate(db: Database.Database, list: Migration[] = migrations): number[] {
  return runMigrations(db, list, 'index');
}
