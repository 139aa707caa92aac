/**
 * Which files of a folder are indexed: built-in ignores (hidden files, VCS and dependency folders,
 * build output), the folder's .gitignore, the user's extra patterns, and the list of file types.
 */
import ignore, { type Ignore } from 'ignore';
import { readFileSync } from 'node:fs';
import { extname, join, relative, sep } from 'node:path';
import type { Settings } from '../../shared/types';

/** Always skipped, whatever the user's patterns: not documents, and often huge. */
export const DEFAULT_IGNORES = [
  '.*', // hidden files and folders, including .git, .svn, .hg, .cache, .venv
  'node_modules/',
  'bower_components/',
  '__pycache__/',
  'venv/',
  'dist/',
  'build/',
  'out/',
  'target/',
  '*.min.js',
  '*.map',
  '*.lock',
  'package-lock.json',
];

export class FolderRules {
  private readonly ig: Ignore;
  private readonly types: Set<string>;

  constructor(readonly root: string, settings: Pick<Settings, 'ignorePatterns' | 'fileTypes'>) {
    this.ig = ignore().add(DEFAULT_IGNORES).add(settings.ignorePatterns);
    try {
      this.ig.add(readFileSync(join(root, '.gitignore'), 'utf8'));
    } catch {
      // No .gitignore (or unreadable): only the defaults and the user's patterns apply.
    }
    this.types = new Set(settings.fileTypes);
  }

  /** True when a path inside the folder (file or directory) must be skipped by ignore patterns. */
  ignored(path: string, isDirectory: boolean): boolean {
    const rel = relative(this.root, path);
    if (!rel || rel.startsWith('..')) return false;
    const posix = sep === '/' ? rel : rel.split(sep).join('/');
    return this.ig.ignores(isDirectory ? `${posix}/` : posix);
  }

  /** True when a file path passes the ignore patterns and has an indexed file type. */
  wanted(path: string): boolean {
    return this.types.has(fileType(path)) && !this.ignored(path, false);
  }
}

/** Lower-case extension without the dot; "" when there is none. */
export function fileType(path: string): string {
  return extname(path).slice(1).toLowerCase();
}
