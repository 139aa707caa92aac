/**
 * The indexer's queue: files to (re)index, files gone from disk, the batch in hand, what a later event
 * withdrew from that batch, and how often a file that kept changing while read has been tried. It only
 * keeps paths; what to do with them is the indexer's.
 */
import { isWithin } from '../sources/folder-paths';

export interface IndexJob {
  path: string;
  folderId: number;
}

/** Tries of a file that changed while it was read, before it is listed as a problem. */
const MAX_CHANGING_RETRIES = 5;
/** A removed file's row is kept this long in case it reappears under another name (a rename seen as two events). */
const RENAME_GRACE_MS = 1000;

export class IndexQueue {
  private readonly upserts = new Map<string, IndexJob>();
  /** Paths gone from disk: out of the search index at once, out of the store once the queue is empty. */
  private readonly removals = new Map<string, IndexJob>();
  /** Paths of the batch being read and embedded (they are in neither queue meanwhile). */
  private readonly inFlight = new Set<string>();
  /**
   * In-flight paths a later event withdrew (deleted, or refused): the batch must not write them when its
   * vectors come back, or a file deleted while being embedded would stay indexed until the next start.
   */
  private readonly withdrawn = new Set<string>();
  private readonly retries = new Map<string, number>();
  private lastRemovalAt = 0;
  /** Files queued in this pass (the progress line's total). */
  passTotal = 0;

  /** Files and removals waiting. */
  get size(): number {
    return this.upserts.size + this.removals.size;
  }

  /** Files waiting to be (re)indexed. */
  get files(): number {
    return this.upserts.size;
  }

  /** Queue a file; back on disk (re-created, or written again), an in-flight copy may be written and this job follows it. */
  add(job: IndexJob): void {
    this.removals.delete(job.path);
    this.withdrawn.delete(job.path);
    if (!this.upserts.has(job.path)) this.passTotal++;
    this.upserts.set(job.path, job);
  }

  /** Take the path out of the files waiting, and out of the batch in hand if it is there. */
  withdraw(path: string): void {
    if (this.upserts.delete(path)) this.passTotal--;
    if (this.inFlight.has(path)) this.withdrawn.add(path);
  }

  /** The file is gone: its row is deleted once the queue is empty and the rename grace has passed. */
  addRemoval(job: IndexJob): void {
    this.removals.set(job.path, job);
    this.lastRemovalAt = Date.now();
  }

  /** Whether the file at `path` is waiting to be removed (its content may move to another path). */
  isLeaving(path: string): boolean {
    return this.removals.has(path);
  }

  /** The removal of `path` is no longer wanted (it moved, or it was refused): returns whether it was waiting. */
  cancelRemoval(path: string): boolean {
    return this.removals.delete(path);
  }

  /** Whether an event withdrew this in-flight path (see `withdrawn`). */
  isWithdrawn(path: string): boolean {
    return this.withdrawn.has(path);
  }

  /** Drop every file waiting (the model cannot embed them); removals stay. */
  dropFiles(): void {
    this.passTotal -= this.upserts.size;
    this.upserts.clear();
  }

  /** The next `n` files, now in flight. */
  takeBatch(n: number): IndexJob[] {
    const batch = [...this.upserts.values()].slice(0, n);
    for (const job of batch) {
      this.upserts.delete(job.path);
      this.inFlight.add(job.path);
    }
    return batch;
  }

  /** The batch is written, failed or given up: its paths are no longer in flight. */
  settle(batch: IndexJob[]): void {
    for (const job of batch) {
      this.inFlight.delete(job.path);
      this.withdrawn.delete(job.path);
    }
  }

  /** In-flight jobs back to the front of the queue (a batch cut short, or embedded by a model no longer in use); withdrawn ones are left out. */
  requeueFront(jobs: IndexJob[]): void {
    for (const j of jobs) this.inFlight.delete(j.path);
    const rest = [...this.upserts.values()];
    this.upserts.clear();
    for (const j of [...jobs.filter((j) => !this.withdrawn.has(j.path)), ...rest]) this.upserts.set(j.path, j);
  }

  /** Milliseconds before the removals may be carried out (0: now); a rename's second event may still come. */
  removalWait(): number {
    return this.removals.size > 0 ? Math.max(0, this.lastRemovalAt + RENAME_GRACE_MS - Date.now()) : 0;
  }

  /** The removals waiting, taken out of the queue. */
  takeRemovals(): IndexJob[] {
    const jobs = [...this.removals.values()];
    this.removals.clear();
    return jobs;
  }

  /** Drop queued work for paths under `folder` (a removed folder). */
  forget(folder: string): void {
    for (const map of [this.upserts, this.removals]) for (const p of map.keys()) if (isWithin(p, folder)) map.delete(p);
  }

  /**
   * The file changed while it was read: the delay before trying again (longer each time), or null when
   * it has been tried often enough and should be listed as a problem.
   */
  retryDelay(path: string): number | null {
    const n = (this.retries.get(path) ?? 0) + 1;
    this.retries.set(path, n);
    if (n <= MAX_CHANGING_RETRIES) return 200 * n;
    this.retries.delete(path);
    return null;
  }

  /** The file was read whole: its tries start again from the first. */
  readWhole(path: string): void {
    this.retries.delete(path);
  }
}
