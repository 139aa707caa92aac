/**
 * List the indexable files of a folder with their size and mtime. Follows symlinks to files and
 * folders but never loops: a folder whose real path is already on the way down is reported instead.
 */
import { readdir, realpath, stat } from 'node:fs/promises';
import { join } from 'node:path';
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
}

export async function walkFolder(root: string, rules: FolderRules, options: WalkOptions = {}): Promise<WalkResult> {
  const result: WalkResult = { files: [], problems: [], complete: true };
  await walkDir(root, rules, new Set([await realpath(root)]), result, options.deadline ?? Infinity);
  return result;
}

async function walkDir(dir: string, rules: FolderRules, ancestors: Set<string>, out: WalkResult, deadline: number): Promise<void> {
  if (Date.now() > deadline) {
    out.complete = false;
    return;
  }
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if (dir !== rules.root) out.problems.push({ path: dir, reason: reasonFor(err, 'folder') });
    else throw err;
    return;
  }
  for (const entry of entries) {
    const path = join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      try {
        const target = await stat(path);
        isDir = target.isDirectory();
        isFile = target.isFile();
      } catch (err) {
        if (rules.wanted(path) || (err as NodeJS.ErrnoException).code === 'ELOOP') {
          out.problems.push({ path, reason: reasonFor(err, 'link') });
        }
        continue;
      }
    }
    if (isDir) {
      if (rules.ignored(path, true)) continue;
      let real: string;
      try {
        real = await realpath(path);
      } catch (err) {
        out.problems.push({ path, reason: reasonFor(err, 'folder') });
        continue;
      }
      if (ancestors.has(real)) {
        out.problems.push({ path, reason: `symbolic link loop (points back to ${real}); not followed` });
        continue;
      }
      ancestors.add(real);
      await walkDir(path, rules, ancestors, out, deadline);
      ancestors.delete(real);
    } else if (isFile && rules.wanted(path)) {
      try {
        const s = await stat(path);
        out.files.push({ path, size: s.size, mtimeMs: s.mtimeMs });
      } catch (err) {
        // Deleted between listing and stat: nothing to index, nothing to report.
        if ((err as NodeJS.ErrnoException).code !== 'ENOENT') out.problems.push({ path, reason: reasonFor(err, 'file') });
      }
    }
  }
}

/** An OS error as a sentence a person can act on. */
export function reasonFor(err: unknown, what: 'file' | 'folder' | 'link'): string {
  const code = (err as NodeJS.ErrnoException)?.code;
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `permission denied: Trove may not read this ${what}`;
    case 'ELOOP':
      return 'symbolic link loop: the link points (through other links) back to itself';
    case 'ENOENT':
      return what === 'link' ? 'broken symbolic link: its target does not exist' : `${what} disappeared while being read`;
    case 'EISDIR':
      return 'is a folder, not a file';
    case 'EIO':
      return `input/output error reading this ${what} (failing disk or unplugged drive?)`;
    default:
      return `could not read this ${what}: ${err instanceof Error ? err.message : String(err)}`;
  }
}
