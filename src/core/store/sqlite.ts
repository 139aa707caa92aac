/**
 * What every Trove SQLite file shares: how it is opened and how its numbered migrations run. The index
 * (store/) and the question banks (questions/) each keep their own list of migrations.
 */
import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export interface Migration {
  version: number;
  name: string;
  up(db: Database.Database): void;
}

/**
 * Bring `db` up to the newest version in `list`; returns the versions applied. Each migration runs in
 * its own transaction that also sets PRAGMA user_version, so a crash leaves the previous version.
 * `what` names the database in the error for a file made by a newer Trove.
 */
export function runMigrations(db: Database.Database, list: Migration[], what: string): number[] {
  const applied: number[] = [];
  const current = db.pragma('user_version', { simple: true }) as number;
  const newest = list.at(-1)?.version ?? 0;
  if (current > newest) {
    throw new Error(`${what} database is version ${current}, newer than this Trove (${newest}); update Trove`);
  }
  for (const m of list) {
    if (m.version <= current) continue;
    db.transaction(() => {
      m.up(db);
      db.pragma(`user_version = ${m.version}`);
    })();
    applied.push(m.version);
  }
  return applied;
}

/** Open (or create) a database file: WAL, foreign keys, a busy timeout, then `migrate`. */
export function openSqlite(file: string, migrate: (db: Database.Database) => unknown): Database.Database {
  mkdirSync(dirname(file), { recursive: true });
  const db = new Database(file);
  // WAL: readers never wait for a writer's transaction, and a kill -9 loses at most the transaction in
  // flight. synchronous=NORMAL is durable against process crashes in WAL mode.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.pragma('busy_timeout = 5000');
  migrate(db);
  return db;
}
