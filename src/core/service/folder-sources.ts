/**
 * The indexed folders: their rules, watchers and warnings, and reconciling each with the disk.
 * Reconcile = walk the folder, compare with the store by size+mtime, queue what differs (the indexer
 * then confirms by content hash), and queue the removal of rows whose file is gone.
 */
import { existsSync } from 'node:fs';
import { dirname, sep } from 'node:path';
import type { FolderInfo, Settings } from '../../shared/types';
import type { Indexer } from '../indexer/indexer';
import { ancestorsOf, classifyEntry } from '../sources/classify-entry';
import { isWithin } from '../sources/folder-paths';
import { FolderRules } from '../sources/folder-rules';
import { walkFolder } from '../sources/walk-folder';
import type { Corpus } from '../corpus/corpus';
import type { FolderRow } from '../store/rows';
import { FolderWatcher, type Change } from '../watch/folder-watcher';

export interface FolderSource {
  row: FolderRow;
  rules: FolderRules;
  watcher: FolderWatcher | null;
  warning: string | null;
  missing: boolean;
  /** The watcher batch being applied (batches are applied one after the other). */
  applying: Promise<void>;
}

export interface FolderSourcesDeps {
  corpus: Corpus;
  indexer: Indexer;
  settings: () => Settings;
  watch: boolean;
  debounceMs: number;
  onChange: () => void;
}

export const MISSING_WARNING =
  'The folder is missing or unreadable (unplugged drive?). Its files stay searchable and are checked again when it is back.';

export class FolderSources {
  readonly byPath = new Map<string, FolderSource>();
  scanning = 0;
  /** Watcher batches received and not yet applied (whenIdle waits for them). */
  applyingBatches = 0;
  private closed = false;

  constructor(private readonly deps: FolderSourcesDeps) {}

  list(): FolderInfo[] {
    const counts = this.deps.corpus.fileCountsByFolder();
    return [...this.byPath.values()].map((f) => ({
      path: f.row.path,
      files: counts.get(f.row.id) ?? 0,
      watching: f.watcher?.mode ?? 'off',
      warning: f.warning,
    }));
  }

  /** The folder containing `path` (itself included), if any. */
  containing(path: string): FolderSource | undefined {
    for (const f of this.byPath.values()) if (isWithin(path, f.row.path)) return f;
    return undefined;
  }

  async open(row: FolderRow, reconcile = true): Promise<void> {
    const source: FolderSource = { row, rules: this.rules(row.path), watcher: null, warning: null, missing: false, applying: Promise.resolve() };
    this.byPath.set(row.path, source);
    if (reconcile) await this.reconcile(source);
  }

  async close(path: string): Promise<void> {
    const source = this.byPath.get(path);
    this.byPath.delete(path);
    await source?.watcher?.close();
  }

  async closeAll(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.byPath.values()].map((f) => f.watcher?.close()));
  }

  /** Settings changed: new rules, fresh watchers, and a re-scan of every folder. */
  async rescanAll(): Promise<void> {
    for (const f of this.byPath.values()) f.rules = this.rules(f.row.path);
    await Promise.all([...this.byPath.values()].map((f) => this.reconcile(f, true)));
  }

  /** Folders that went missing: look again; rescan those that are back. */
  async checkMissing(): Promise<void> {
    for (const f of this.byPath.values()) if (f.missing && existsSync(f.row.path)) await this.reconcile(f);
  }

  async reconcile(source: FolderSource, restartWatcher = false): Promise<void> {
    const { corpus, indexer } = this.deps;
    this.scanning++;
    this.deps.onChange();
    try {
      let walked;
      try {
        walked = await walkFolder(source.row.path, source.rules);
      } catch {
        source.missing = true;
        source.warning = MISSING_WARNING;
        await source.watcher?.close();
        source.watcher = null;
        return;
      }
      if (source.missing || source.warning === MISSING_WARNING) source.warning = null;
      source.missing = false;
      const rows = new Map(corpus.filesInFolder(source.row.id).map((r) => [r.path, r]));
      const seen = new Set<string>();
      for (const p of walked.problems) {
        seen.add(p.path);
        const old = rows.get(p.path);
        if (old?.state !== 'failed' || old.error !== p.reason) indexer.refuse({ path: p.path, folderId: source.row.id }, p.reason);
      }
      for (const file of walked.files) {
        seen.add(file.path);
        indexer.offer({ path: file.path, folderId: source.row.id }, rows.get(file.path), file);
      }
      for (const path of rows.keys()) if (!seen.has(path)) indexer.enqueueRemoval({ path, folderId: source.row.id });
      if (this.deps.watch && !this.closed && (!source.watcher || restartWatcher)) await this.startWatcher(source);
    } finally {
      this.scanning--;
      this.deps.onChange();
    }
  }

  private async startWatcher(source: FolderSource): Promise<void> {
    await source.watcher?.close();
    const watcher = new FolderWatcher(source.row.path, source.rules, {
      debounceMs: this.deps.debounceMs,
      // Batches are applied in order: each one classifies its paths on the disk first.
      onChanges: (changes) => {
        this.applyingBatches++;
        source.applying = source.applying
          .then(() => this.apply(source, changes))
          .catch(() => {})
          .finally(() => this.applyingBatches--);
      },
      onFallback: (warning) => {
        source.warning = warning;
        this.deps.onChange();
        // Changes made while native watching failed and polling started were seen by neither: look again.
        if (!this.closed && this.byPath.get(source.row.path) === source) void this.reconcile(source).catch(() => {});
      },
    });
    source.watcher = watcher;
    await watcher.start();
  }

  private async apply(source: FolderSource, changes: Map<string, Change>): Promise<void> {
    const folderId = source.row.id;
    for (const [path, change] of changes) {
      if (this.byPath.get(source.row.path) !== source) return;
      if (change === 'upsert') await this.upsert(source, path);
      else if (change === 'remove') this.deps.indexer.enqueueRemoval({ path, folderId });
      else if (change === 'removeDir') {
        if (!existsSync(source.row.path)) {
          // The whole folder vanished (unplugged drive): keep its index, say so, look again later.
          source.missing = true;
          source.warning = MISSING_WARNING;
          this.deps.onChange();
          continue;
        }
        for (const row of this.deps.corpus.filesInFolder(folderId)) {
          if (row.path.startsWith(path + sep)) this.deps.indexer.enqueueRemoval({ path: row.path, folderId });
        }
      }
    }
  }

  /** A path was created or changed: the walker's own decision (classifyEntry) says what it is. */
  private async upsert(source: FolderSource, path: string): Promise<void> {
    const { indexer } = this.deps;
    const root = source.row.path;
    const folderId = source.row.id;
    const entry = await classifyEntry(path, { rules: source.rules, rootReal: root, ancestors: () => ancestorsOf(dirname(path), root, root) });
    if (entry.kind === 'file') indexer.enqueue({ path, folderId });
    else if (entry.kind === 'problem') indexer.refuse({ path, folderId }, entry.reason);
    else if (entry.kind === 'skip') indexer.enqueueRemoval({ path, folderId });
    else {
      // A link to a folder appeared (chokidar does not follow links): walk it as a scan would.
      const ancestors = await ancestorsOf(dirname(path), root, root);
      ancestors.add(entry.real);
      const walked = await walkFolder(root, source.rules, { from: { dir: path, ancestors } });
      for (const f of walked.files) indexer.enqueue({ path: f.path, folderId });
      for (const p of walked.problems) indexer.refuse({ path: p.path, folderId }, p.reason);
    }
  }

  private rules(root: string): FolderRules {
    return new FolderRules(root, this.deps.settings());
  }
}
