/**
 * Reads of an index database that leave it as it is: opened read-only, never created or migrated. The
 * model library asks before the engine opens the index (which weights of a model the index was built
 * with), so it must not be the one that creates or upgrades it.
 */
import Database from 'better-sqlite3';

/** Model ids with vectors in the index at `file`, newest set first. Throws when the file is missing or unreadable. */
export function modelsWithVectors(file: string): string[] {
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    // vectors_set indexes embedding_set_id: one probe per set (a handful of rows), not a scan of the vectors.
    return db
      .prepare('SELECT model_id FROM embedding_sets es WHERE EXISTS (SELECT 1 FROM vectors v WHERE v.embedding_set_id = es.id) ORDER BY es.id DESC')
      .pluck()
      .all() as string[];
  } finally {
    db.close();
  }
}
