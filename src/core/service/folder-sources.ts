/**
 * The indexed folders: their rules, watchers and warnings, and reconciling each with the disk.
 * Reconcile = walk the folder, compare with the store by size+mtime, queue what differs (the indexer
 * then confirms by content hash), and queue the removal of rows whose file is gone.
 */
import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import type { FolderInfo, Settings } from '../../shared/types';
import type { Indexer } from '../indexer/indexer';
import { isWithin } from '../sources/folder-paths';
import { FolderRules } from '../sources/folder-rules';
import { walkFolder } from '../sources/walk-folder';
import type { Corpus } from '../corpus/corpus';
import type { FolderRow } from '../store/index-store';
import { FolderWatcher, type Change } from '../watch/folder-watcher';

export interface FolderSource {
  row: FolderRow;
  rules: FolderRules;
  watcher: FolderWatcher | null;
  warning: string | null;
  missing: boolean;
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
  private closed = false;

  constructor(private readonly deps: FolderSourcesDeps) {}

  list(): FolderInfo[] {
    const counts = this.deps.corpus.store.indexedCountByFolder();
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
    const source: FolderSource = { row, rules: this.rules(row.path), watcher: null, warning: null, missing: false };
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
      const rows = new Map(corpus.store.filesInFolder(source.row.id).map((r) => [r.path, r]));
      const seen = new Set<string>();
      for (const p of walked.problems) {
        seen.add(p.path);
        const old = rows.get(p.path);
        if (old?.state !== 'failed' || old.error !== p.reason) {
          corpus.writeFailed({ folderId: source.row.id, path: p.path, size: 0, mtimeMs: 0, contentHash: null }, p.reason);
        }
      }
      for (const file of walked.files) {
        seen.add(file.path);
        const row = rows.get(file.path);
        const current =
          row && row.state === 'indexed' && row.embeddingSetId === corpus.embeddingSetId && row.size === file.size && row.mtimeMs === file.mtimeMs;
        if (!current) indexer.enqueue({ path: file.path, folderId: source.row.id });
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
      onChanges: (changes) => this.apply(source, changes),
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

  private apply(source: FolderSource, changes: Map<string, Change>): void {
    if (this.byPath.get(source.row.path) !== source) return;
    const folderId = source.row.id;
    for (const [path, change] of changes) {
      if (change === 'upsert') this.deps.indexer.enqueue({ path, folderId });
      else if (change === 'remove') this.deps.indexer.enqueueRemoval({ path, folderId });
      else if (change === 'removeDir') {
        if (!existsSync(source.row.path)) {
          // The whole folder vanished (unplugged drive): keep its index, say so, look again later.
          source.missing = true;
          source.warning = MISSING_WARNING;
          this.deps.onChange();
          continue;
        }
        for (const row of this.deps.corpus.store.filesInFolder(folderId)) {
          if (row.path.startsWith(path + sep)) this.deps.indexer.enqueueRemoval({ path: row.path, folderId });
        }
      }
    }
  }

  private rules(root: string): FolderRules {
    return new FolderRules(root, this.deps.settings());
  }
}
