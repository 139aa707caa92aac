/**
 * List the indexable files of a folder with their size and mtime. Every entry is judged by
 * classifyEntry (the watcher asks the same function), so links, loops and pipes are handled alike.
 */
import { readdir, realpath } from 'node:fs/promises';
import { join } from 'node:path';
import { classifyEntry, reasonFor } from './classify-entry';
import type { FolderRules } from './folder-rules';

export interface FoundFile {
  path: string;
  size: number;
  mtimeMs: number;
}

export interface WalkResult {
  files: FoundFile[];
  /** Paths that could not be listed or followed, with a reason (symlink loops, unreadable folders). */
  problems: { path: string; reason: string }[];
  /** False when the walk stopped at its deadline (an estimate) before seeing the whole folder. */
  complete: boolean;
}

export interface WalkOptions {
  /** Stop listing at this time (ms since epoch) and return what was found, marked incomplete. */
  deadline?: number;
  /**
   * Walk only this sub-folder of the root (a folder that appeared while watching), with the real paths
   * of the folders above it for the loop check.
   */
  from?: { dir: string; ancestors: Set<string> };
}

export async function walkFolder(root: string, rules: FolderRules, options: WalkOptions = {}): Promise<WalkResult> {
  const result: WalkResult = { files: [], problems: [], complete: true };
  const rootReal = await realpath(root);
  const start = options.from ?? { dir: root, ancestors: new Set([rootReal]) };
  const walk = { rules, rootReal, out: result, deadline: options.deadline ?? Infinity };
  await walkDir(start.dir, new Set(start.ancestors), walk);
  return result;
}

interface Walk {
  rules: FolderRules;
  rootReal: string;
  out: WalkResult;
  deadline: number;
}

async function walkDir(dir: string, ancestors: Set<string>, walk: Walk): Promise<void> {
  const { out } = walk;
  if (Date.now() > walk.deadline) {
    out.complete = false;
    return;
  }
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (dir !== walk.rules.root) out.problems.push({ path: dir, reason: reasonFor(err, 'folder') });
    else throw err;
    return;
  }
  for (const dirent of entries) {
    const entry = await classifyEntry(join(dir, dirent.name), { rules: walk.rules, rootReal: walk.rootReal, ancestors }, dirent);
    if (entry.kind === 'file') out.files.push({ path: entry.path, size: entry.size, mtimeMs: entry.mtimeMs });
    else if (entry.kind === 'problem') out.problems.push({ path: entry.path, reason: entry.reason });
    else if (entry.kind === 'folder') {
      ancestors.add(entry.real);
      await walkDir(entry.path, ancestors, walk);
      ancestors.delete(entry.real);
    }
  }
}
