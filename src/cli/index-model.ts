/**
 * The model one index file was moved to with `trove models use <model> --db <index>`, kept in a small
 * JSON file beside it: `<index>.model.json`, e.g. notes.sqlite.model.json.
 *
 * Why a file named after the database, not the data folder's models.json: the CLI keeps any number of
 * indexes in one folder (the engine's data folder is the database's folder), and each must keep its own
 * model. Why not a row inside the index: reading the choice then means opening (and, for a new file,
 * creating and migrating) the database before the engine that owns it starts, and a table for one
 * value would be a schema migration shared with the app, which keeps its choice in models.json. The
 * cost: copying or moving an index means taking its .model.json along (without it, the index follows
 * the CLI default), and a deleted index leaves the file behind for whatever is created at that path.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';
import { parseStoredJson } from '../shared/stored-files';

const indexModelFile = z.looseObject({
  /** As `models use` saves a choice: installed name (else the folder's path) with its variant, e.g. "all-MiniLM-L6-v2@fp32". */
  model: z.string().min(1),
});

export const indexModelPath = (db: string): string => `${db}.model.json`;

/** The model chosen for this index, or null when it has none of its own (it follows the CLI default). */
export function readIndexModel(db: string): string | null {
  const path = indexModelPath(db);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  // A damaged file is an error, not "no choice": embedding with the default would re-embed the index.
  return parseStoredJson(indexModelFile, text, path, `fix it, or delete it and choose the index's model again with \`trove models use <model> --db ${db}\``).model;
}

export function writeIndexModel(db: string, model: string): void {
  const path = indexModelPath(db);
  mkdirSync(dirname(path), { recursive: true });
  const tmp = `${path}.tmp`;
  writeFileSync(tmp, JSON.stringify({ model } satisfies z.infer<typeof indexModelFile>, null, 2) + '\n');
  renameSync(tmp, path);
}
