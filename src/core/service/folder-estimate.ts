/**
 * Before a folder is added: is it a whole drive or the home folder (the UI asks first), and how much
 * would be indexed. Counting is bounded in time: a home folder can hold millions of files, and the
 * question only needs an order of magnitude.
 */
import { realpath } from 'node:fs/promises';
import { homedir } from 'node:os';
import type { FolderEstimate } from '../../shared/types';
import { isRoot } from '../sources/folder-paths';
import type { FolderRules } from '../sources/folder-rules';
import { walkFolder } from '../sources/walk-folder';

/** How long counting may take before the estimate is returned as a lower bound. */
export const ESTIMATE_BUDGET_MS = 3000;

/** Thrown by addFolder for a whole drive or home folder that the user has not confirmed. */
export class ConfirmationNeededError extends Error {
  override name = 'ConfirmationNeededError';
}

/** 'root' for a drive or share root, 'home' for the user's home folder, else null. `real` is a real path. */
export async function broadFolder(real: string): Promise<FolderEstimate['broad']> {
  if (isRoot(real)) return 'root';
  const home = await realpath(homedir()).catch(() => homedir());
  return real === home ? 'home' : null;
}

export async function estimateFolder(real: string, rules: FolderRules, budgetMs = ESTIMATE_BUDGET_MS): Promise<FolderEstimate> {
  const walked = await walkFolder(real, rules, { deadline: Date.now() + budgetMs });
  return {
    path: real,
    files: walked.files.length,
    bytes: walked.files.reduce((sum, f) => sum + f.size, 0),
    complete: walked.complete,
    broad: await broadFolder(real),
  };
}

/** The estimate in one sentence, for error messages and the CLI. */
export function describeEstimate(e: FolderEstimate): string {
  const what = e.broad === 'root' ? 'a whole drive' : e.broad === 'home' ? 'your whole home folder' : 'a folder';
  const mb = e.bytes / 1024 / 1024;
  const size = mb >= 1024 ? `${(mb / 1024).toFixed(1)} GB` : `${mb.toFixed(mb < 10 ? 1 : 0)} MB`;
  return `${e.path} is ${what}: ${e.complete ? '' : 'at least '}${e.files.toLocaleString('en')} files (${size}) to index`;
}
