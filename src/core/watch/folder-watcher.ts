/**
 * Watch one folder with chokidar and hand over coalesced batches of changes: a burst of saves becomes
 * one batch, the last event per path wins. When the OS refuses more native watches (inotify's ENOSPC,
 * too many open files EMFILE), fall back to polling and say so, with what the user can do about it.
 */
import { watch, type FSWatcher } from 'chokidar';
import type { FolderRules } from '../sources/folder-rules';

export type Change = 'upsert' | 'remove' | 'removeDir' | 'scanDir';

export interface FolderWatcherOptions {
  /** Quiet time before a batch is handed over (ms). */
  debounceMs: number;
  /** Longest a batch waits while events keep coming (ms). */
  maxWaitMs?: number;
  onChanges: (changes: Map<string, Change>) => void;
  /** Native watching failed and polling took over; `warning` tells the user why and what to do. */
  onFallback: (warning: string) => void;
  /** A watch error that did not stop watching. */
  onError?: (err: Error) => void;
}

const LIMIT_CODES = new Set(['ENOSPC', 'EMFILE', 'ENFILE']);

export class FolderWatcher {
  mode: 'native' | 'polling' | 'off' = 'off';
  private watcher: FSWatcher | null = null;
  private pending = new Map<string, Change>();
  private timer: NodeJS.Timeout | null = null;
  private firstAt = 0;

  constructor(
    readonly root: string,
    private readonly rules: FolderRules,
    private readonly options: FolderWatcherOptions,
  ) {}

  async start(polling = false): Promise<void> {
    await this.watcher?.close();
    const w = watch(this.root, {
      ignoreInitial: true,
      followSymlinks: false,
      usePolling: polling,
      interval: 1000,
      binaryInterval: 3000,
      ignored: (path, stats) => {
        if (path === this.root) return false;
        if (stats?.isDirectory()) return this.rules.ignored(path, true);
        if (stats?.isFile()) return !this.rules.wanted(path);
        return this.rules.ignored(path, false);
      },
    });
    this.watcher = w;
    this.mode = polling ? 'polling' : 'native';
    w.on('add', (p) => this.note(p, 'upsert'));
    w.on('change', (p) => this.note(p, 'upsert'));
    w.on('unlink', (p) => this.note(p, 'remove'));
    w.on('unlinkDir', (p) => this.note(p, 'removeDir'));
    w.on('addDir', (p) => p !== this.root && this.note(p, 'scanDir'));
    w.on('error', (err) => void this.handleError(err as NodeJS.ErrnoException));
    await new Promise<void>((resolve) => w.once('ready', () => resolve()));
  }

  /** The chokidar instance, for tests that need to inject its events. */
  get raw(): FSWatcher | null {
    return this.watcher;
  }

  async close(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.pending.clear();
    this.mode = 'off';
    const w = this.watcher;
    this.watcher = null;
    await w?.close();
  }

  private async handleError(err: NodeJS.ErrnoException): Promise<void> {
    const code = err.code ?? /\b(ENOSPC|EMFILE|ENFILE)\b/.exec(err.message)?.[1];
    if (!code || !LIMIT_CODES.has(code) || this.mode === 'polling') {
      this.options.onError?.(err);
      return;
    }
    const what =
      code === 'ENOSPC'
        ? 'the system limit for watched folders was reached (Linux: raise fs.inotify.max_user_watches, e.g. `sudo sysctl fs.inotify.max_user_watches=524288`)'
        : 'too many files are open (raise the open-file limit, `ulimit -n`)';
    await this.start(true);
    this.options.onFallback(`Watching by polling: ${what}. Changes may take a few seconds longer to appear.`);
  }

  private note(path: string, change: Change): void {
    this.pending.set(path, change);
    const now = Date.now();
    if (!this.timer) this.firstAt = now;
    if (this.timer) clearTimeout(this.timer);
    const maxWait = this.options.maxWaitMs ?? 1000;
    const delay = Math.max(0, Math.min(this.options.debounceMs, this.firstAt + maxWait - now));
    this.timer = setTimeout(() => this.flush(), delay);
  }

  private flush(): void {
    this.timer = null;
    const batch = this.pending;
    this.pending = new Map();
    if (batch.size > 0) this.options.onChanges(batch);
  }
}
