/**
 * The one decision about a path inside an indexed folder: a file to index, a folder to go into, a
 * problem to list, or nothing. The walker (a full scan) and the watcher (one event at a time) both ask
 * here, so a FIFO, a link loop or a link leading out of the folder is treated the same by both.
 *
 * Symbolic links are followed only while their target stays inside the same indexed folder: the API
 * promises that nothing outside the user's folders is read, previewed or opened. A link out is listed
 * as a problem saying so; a folder link back to one of its own ancestors is a loop, listed and not
 * followed. A link to elsewhere inside the folder is followed (its files are indexed under the link's
 * path too, reusing the vectors of the same content).
 */
import { lstat, realpath, stat } from 'node:fs/promises';
import type { Stats } from 'node:fs';
import { dirname } from 'node:path';
import { isWithin } from './folder-paths';
import type { FolderRules } from './folder-rules';

export type Entry =
  | { kind: 'file'; path: string; size: number; mtimeMs: number }
  | { kind: 'folder'; path: string; real: string }
  | { kind: 'problem'; path: string; reason: string }
  | { kind: 'skip' };

/** Reason for a pipe, socket or device with an indexed file type; the indexer says the same if it meets one. */
export const NOT_REGULAR_FILE = 'not a regular file (a pipe, socket or device)';

/** What the caller already knows from readdir, to spare a system call per entry. */
export interface TypeHint {
  isSymbolicLink(): boolean;
  isDirectory(): boolean;
  isFile(): boolean;
}

export interface ClassifyContext {
  rules: FolderRules;
  /** Real path of the indexed folder (links whose target is not inside it are not followed). */
  rootReal: string;
  /**
   * Real paths of the folders on the way down to the entry, the indexed folder included. A function
   * when computing them is work the caller only wants to do for folders (the watcher).
   */
  ancestors: Set<string> | (() => Promise<Set<string>>);
}

export async function classifyEntry(path: string, ctx: ClassifyContext, hint?: TypeHint): Promise<Entry> {
  const { rules } = ctx;
  let link = hint?.isSymbolicLink() ?? false;
  let st: Pick<Stats, 'isFile' | 'isDirectory' | 'size' | 'mtimeMs'> | null = null;
  if (!hint) {
    try {
      const l = await lstat(path);
      link = l.isSymbolicLink();
      if (!link) st = l;
    } catch (err) {
      return gone(err) ? { kind: 'skip' } : rules.wanted(path) ? { kind: 'problem', path, reason: reasonFor(err, 'file') } : { kind: 'skip' };
    }
  }
  let real: string | null = null;
  if (link) {
    try {
      st = await stat(path);
      real = await realpath(path);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      return rules.wanted(path) || code === 'ELOOP' ? { kind: 'problem', path, reason: reasonFor(err, 'link') } : { kind: 'skip' };
    }
    if (!isWithin(real, ctx.rootReal)) {
      const listed = st.isDirectory() ? !rules.ignored(path, true) : rules.wanted(path);
      if (!listed) return { kind: 'skip' };
      return { kind: 'problem', path, reason: `symbolic link to ${real}, outside the folder; not followed (Trove reads only what is inside the folders you chose)` };
    }
  }
  const isDir = st ? st.isDirectory() : hint!.isDirectory();
  const isFile = st ? st.isFile() : hint!.isFile();
  if (isDir) {
    if (rules.ignored(path, true)) return { kind: 'skip' };
    try {
      real ??= await realpath(path);
    } catch (err) {
      return gone(err) ? { kind: 'skip' } : { kind: 'problem', path, reason: reasonFor(err, 'folder') };
    }
    const ancestors = typeof ctx.ancestors === 'function' ? await ctx.ancestors() : ctx.ancestors;
    if (ancestors.has(real)) return { kind: 'problem', path, reason: `symbolic link loop (points back to ${real}); not followed` };
    return { kind: 'folder', path, real };
  }
  if (!rules.wanted(path)) return { kind: 'skip' };
  if (!isFile) return { kind: 'problem', path, reason: NOT_REGULAR_FILE };
  try {
    st ??= await stat(path);
    return { kind: 'file', path, size: st.size, mtimeMs: st.mtimeMs };
  } catch (err) {
    // Deleted between listing and stat: nothing to index, nothing to report.
    return gone(err) ? { kind: 'skip' } : { kind: 'problem', path, reason: reasonFor(err, 'file') };
  }
}

/** Real paths of `dir` and every folder above it up to and including `root` (for the loop check). */
export async function ancestorsOf(dir: string, root: string, rootReal: string): Promise<Set<string>> {
  const out = new Set([rootReal]);
  for (let d = dir; d !== root && isWithin(d, root) && dirname(d) !== d; d = dirname(d)) out.add(await realpath(d).catch(() => d));
  return out;
}

const gone = (err: unknown) => ['ENOENT', 'ENOTDIR'].includes((err as NodeJS.ErrnoException).code ?? '');

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
