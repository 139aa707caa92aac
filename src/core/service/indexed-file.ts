/**
 * The paths a caller names, checked before anything is read or opened: an indexed file that lies,
 * links resolved, inside its indexed folder; a folder Trove can read.
 */
import { realpath, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { isWithin } from '../sources/folder-paths';
import type { EngineParts } from './engine-parts';
import { NotFoundError, NotIndexedError, OutsideFoldersError } from '../../shared/path-errors';

/**
 * The indexed file a caller names, checked: it has a row in the index (indexed, or with
 * `allowProblems` also listed as a problem), it lies in an indexed folder, and its real path (links
 * resolved) does too.
 */
export async function indexedFile({ folders, corpus }: Pick<EngineParts, 'folders' | 'corpus'>, given: string, allowProblems: boolean) {
  const path = resolve(given); // "docs/../../etc/passwd" is judged as the path it names
  let real: string;
  try {
    real = await realpath(path);
  } catch {
    throw new NotFoundError(`${path} does not exist`);
  }
  const folder = folders.containing(path);
  if (!folder || path === folder.row.path) throw new OutsideFoldersError(`${path} is not inside an indexed folder`);
  // Links are indexed only while they stay inside their folder (classify-entry); check again, the link may have changed.
  if (!isWithin(real, folder.row.path)) throw new OutsideFoldersError(`${path} leads outside the indexed folder ${folder.row.path}`);
  const row = corpus.fileAt(path);
  if (!row || (row.state !== 'indexed' && !allowProblems)) throw new NotIndexedError(`${path} is not in the index`);
  return { row, real };
}

/** The real path of a folder the caller named, if it is one Trove can read. */
export async function readableFolder(path: string): Promise<string> {
  try {
    const real = await realpath(path);
    if ((await stat(real)).isDirectory()) return real;
  } catch {
    // reported below
  }
  throw new NotFoundError(`${path} is not a folder that Trove can read`);
}
