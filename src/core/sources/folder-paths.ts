/**
 * Path facts about indexed folders, written once for every platform: whether one path lies inside
 * another, and whether a folder is a whole drive or home folder. Roots are the trap: "/", "C:\" and
 * "\\server\share\" already end in a separator, so `parent + sep` would never match a child of theirs.
 */
import nodePath from 'node:path';

/** The parts of node:path used here; tests pass `path.win32` to check drive and UNC roots on Linux. */
export type PathApi = Pick<typeof nodePath, 'sep' | 'parse'>;

const trimSeparators = (p: string) => p.replace(/[\\/]+$/, '');

/** True when `dir` is a file-system root: "/", a drive ("C:\"), or a UNC share ("\\server\share"). */
export function isRoot(dir: string, path: PathApi = nodePath): boolean {
  const root = path.parse(dir).root;
  return root !== '' && trimSeparators(root) === trimSeparators(dir);
}

/** True when `child` is `parent` itself or lies anywhere below it. Both must be absolute and normalised. */
export function isWithin(child: string, parent: string, path: PathApi = nodePath): boolean {
  if (child === parent) return true;
  const prefix = parent.endsWith(path.sep) || parent.endsWith('/') ? parent : parent + path.sep;
  return child.startsWith(prefix) || (isRoot(parent, path) && trimSeparators(child) === trimSeparators(parent));
}

/** The first of `folders` that `dir` overlaps (equal, inside, or containing it), if any. */
export function overlapping(dir: string, folders: Iterable<string>, path: PathApi = nodePath): string | undefined {
  for (const f of folders) if (isWithin(dir, f, path) || isWithin(f, dir, path)) return f;
  return undefined;
}
