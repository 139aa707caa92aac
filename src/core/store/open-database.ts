/** Open (or create) the index database: WAL, foreign keys, migrated to the newest schema. */
import type Database from 'better-sqlite3';
import { migrate } from './migrations';
import { openSqlite } from './sqlite';

export function openDatabase(file: string): Database.Database {
  return openSqlite(file, migrate);
}
