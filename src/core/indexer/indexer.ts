/**
 * The indexing pass: files to (re)index or forget are queued (index-queue.ts) and processed in small
 * batches (index-batch.ts) until the queue is empty; it can be paused, stopped, and asked to wait for
 * idle. Each file is written with its chunks and vectors in one transaction, so a kill at any moment
 * loses at most the batch being embedded, and a restart re-embeds nothing that was finished. Content
 * already embedded (an unchanged file, a renamed one, a copy) is reused by hash, never embedded again.
 */
import type { IndexedFileRow } from '../store/rows';
import type { FileProgress } from '../../shared/types';
import { Coalesced } from './coalesced';
import { indexBatch, type BatchDeps, type BatchHost } from './index-batch';
import { IndexQueue, type IndexJob } from './index-queue';
import { ProgressMeter, type IndexTotals } from './progress-meter';

export interface IndexerDeps extends BatchDeps {
  /** Called when searchable content changed: at once, then at most every INDEX_CHANGED_MS while changes keep coming. */
  onIndexChanged: () => void;
}

const FILES_PER_BATCH = 16;
/** Index-changed events of a burst of writes and removals come at most this often (see Coalesced). */
const INDEX_CHANGED_MS = 250;

export class Indexer implements BatchHost {
  readonly totals: IndexTotals = { embedded: 0, reused: 0, unchanged: 0, failed: 0, removed: 0, chunksEmbedded: 0, embedMs: 0 };
  readonly meter = new ProgressMeter();
  readonly queue = new IndexQueue();
  currentFile: string | null = null;
  /** Pages read or passages embedded of the file in hand (the progress line of a 300-page manual). */
  currentFileProgress: FileProgress | null = null;
  private running: Promise<void> | null = null;
  private paused = false;
  private resumeGate: (() => void) | null = null;
  private stopped = false;
  /** Aborted by stop(): the document being read and the passages being embedded are given up at once. */
  private readonly stopping = new AbortController();
  private idleWaiters: (() => void)[] = [];
  /** The last unexpected error that stopped a pass (the next change starts a new one). */
  lastError: Error | null = null;
  /**
   * Why the model cannot embed (its every set of weights refused): said once, and no file is read —
   * not one problem per file. null while the model works. The files wait for the next start's scan.
   */
  modelProblem: string | null = null;
  /** The model id whose check passed, so it is asked once per model, not once per batch. */
  private modelCheckedFor: string | null = null;

  private readonly indexChanged: Coalesced;

  constructor(readonly deps: IndexerDeps) {
    this.indexChanged = new Coalesced(() => deps.onIndexChanged(), INDEX_CHANGED_MS);
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get busy(): boolean {
    return this.running !== null;
  }

  get queued(): number {
    return this.queue.size;
  }

  get filesTotal(): number {
    return this.queue.passTotal;
  }

  get signal(): AbortSignal {
    return this.stopping.signal;
  }

  enqueue(job: IndexJob): void {
    this.queue.add(job);
    this.kick();
  }

  /** The file is gone: hide it from searches now; its row waits in case it reappears under another name. */
  enqueueRemoval(job: IndexJob): void {
    this.queue.withdraw(job.path);
    const row = this.deps.corpus.fileAt(job.path);
    if (!row) return;
    if (this.deps.corpus.hide(row.id)) this.indexChanged.poke();
    this.queue.addRemoval(job);
    this.kick();
  }

  /** The file cannot be indexed (a walk or a watch event found a link out, a loop, a pipe): list it, drop what was indexed. */
  refuse(job: IndexJob, reason: string): void {
    this.queue.withdraw(job.path);
    this.queue.cancelRemoval(job.path);
    this.fail(job, { size: 0, mtimeMs: 0, reason });
  }

  /**
   * A scan found `job`'s file as `seen` (size and time), its stored row being `row`: queue it unless
   * the row still answers for it; a file kept from an earlier run is counted, so a summary's counts add up.
   */
  offer(job: IndexJob, row: IndexedFileRow | undefined, seen: { size: number; mtimeMs: number }): void {
    if (this.deps.corpus.isCurrent(row, seen)) this.totals.unchanged++;
    else this.enqueue(job);
  }

  /** Drop queued work for paths under `folder` (a removed folder). */
  forget(folder: string): void {
    this.queue.forget(folder);
  }

  pause(): void {
    this.paused = true;
    this.deps.onProgress();
  }

  resume(): void {
    this.paused = false;
    this.resumeGate?.();
    this.resumeGate = null;
    this.deps.onProgress();
  }

  whenIdle(): Promise<void> {
    if (!this.running && this.queued === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Stop now: the batch in hand is given up (its reading process killed, its embedding request
   * withdrawn) and nothing of it is written; its files are found again by the next start's scan.
   */
  async stop(): Promise<void> {
    this.stopped = true;
    this.stopping.abort(new Error('indexing stopped'));
    this.resume();
    await this.running;
    this.indexChanged.cancel(); // the engine is closing: no window is left to tell
  }

  /** For the batch (BatchHost): the file in hand, and how far it is. */
  fileInHand(path: string): void {
    this.currentFile = path;
    this.currentFileProgress = null;
  }

  fileProgress(progress: FileProgress): void {
    this.currentFileProgress = progress;
  }

  /** Searchable content changed (told to windows coalesced: see INDEX_CHANGED_MS). */
  changed(): void {
    this.indexChanged.poke();
  }

  /** List the file as a problem (unless its folder was removed meanwhile). */
  fail(job: IndexJob, f: { size: number; mtimeMs: number; reason: string }, contentHash: string | null = null): void {
    if (!this.deps.corpus.hasFolder(job.folderId)) return;
    const facts = { folderId: job.folderId, path: job.path, size: f.size, mtimeMs: f.mtimeMs, contentHash };
    if (this.deps.corpus.writeFailed(facts, f.reason)) this.indexChanged.poke();
    this.totals.failed++;
  }

  private kick(): void {
    if (this.running || this.stopped) return;
    this.meter.startPass();
    this.running = this.drain()
      .catch((err: unknown) => {
        // Never let one bad file or a closed database become an unhandled rejection that kills the host.
        this.lastError = err instanceof Error ? err : new Error(String(err));
      })
      .finally(() => {
        this.running = null;
        this.currentFile = null;
        this.currentFileProgress = null;
        this.queue.passTotal = 0;
        if (this.queued > 0 && !this.stopped) this.kick();
        else {
          this.indexChanged.flush();
          for (const w of this.idleWaiters.splice(0)) w();
        }
        this.deps.onProgress();
      });
    this.deps.onProgress();
  }

  private async drain(): Promise<void> {
    while (!this.stopped) {
      if (this.paused) await new Promise<void>((r) => (this.resumeGate = r));
      if (this.stopped) return;
      if (this.queue.files > 0 && !(await this.modelReady())) {
        this.queue.dropFiles();
        continue;
      }
      const batch = this.queue.takeBatch(FILES_PER_BATCH);
      if (batch.length === 0) {
        const wait = this.queue.removalWait();
        if (wait > 0) {
          await new Promise((r) => setTimeout(r, Math.min(wait, 100)));
          continue;
        }
        this.flushRemovals();
        return;
      }
      try {
        await indexBatch(this, batch);
      } catch (err) {
        if (this.stopping.signal.aborted) return; // given up by stop(): not a failure of these files
        throw err;
      } finally {
        this.queue.settle(batch);
      }
      this.deps.onProgress();
    }
  }

  /** Load and check the model before the first file of its is read; false (and modelProblem) when it is refused. */
  private async modelReady(): Promise<boolean> {
    const { embedder } = this.deps;
    if (this.modelCheckedFor === embedder.modelId) return true;
    try {
      await embedder.warmup?.();
    } catch (err) {
      if (this.stopping.signal.aborted) return false;
      const why = (err instanceof Error ? err.message : String(err)).replace(/\.$/, '');
      this.modelProblem =
        `nothing can be indexed with this model: ${why}. Choose another model in Settings → Models ` +
        '(or `npm run trove -- models use <name>`), or reinstall Trove to restore its shipped model';
      this.deps.onProgress();
      return false;
    }
    this.modelCheckedFor = embedder.modelId;
    this.modelProblem = null;
    return true;
  }

  private flushRemovals(): void {
    let changed = false;
    for (const job of this.queue.takeRemovals()) {
      if (this.deps.corpus.deleteFile(job.path) !== undefined) {
        this.totals.removed++;
        changed = true;
      }
    }
    if (changed) this.indexChanged.poke();
  }
}
