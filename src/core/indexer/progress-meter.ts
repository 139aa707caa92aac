/** How indexing is going: what happened to files since the indexer started, and the pass's rate. */

/** What happened to files since the indexer started; the CLI prints it, tests assert on it. */
export interface IndexTotals {
  embedded: number;
  reused: number;
  /** Files found as they were: by size and mtime when a folder is scanned, or by content hash. */
  unchanged: number;
  failed: number;
  removed: number;
  chunksEmbedded: number;
  /** Milliseconds spent waiting for the model. */
  embedMs: number;
}

/** Rate and ETA for the current indexing pass, smoothed so the numbers do not jump around. */
export class ProgressMeter {
  filesDone = 0;
  chunksDone = 0;
  private passStart = 0;
  private rate = 0;
  private lastAt = 0;

  startPass(now = Date.now()): void {
    this.filesDone = 0;
    this.chunksDone = 0;
    this.rate = 0;
    this.passStart = now;
    this.lastAt = now;
  }

  record(files: number, chunks: number, now = Date.now()): void {
    this.filesDone += files;
    this.update(chunks, now);
  }

  /** Passages embedded inside a batch not yet finished (a long file reports them as the model works through it). */
  passages(chunks: number, now = Date.now()): void {
    if (chunks > 0) this.update(chunks, now);
  }

  private update(chunks: number, now: number): void {
    this.chunksDone += chunks;
    const seconds = Math.max(0.001, (now - this.lastAt) / 1000);
    const instant = chunks / seconds;
    // Exponential smoothing over roughly the last few batches.
    this.rate = this.rate === 0 ? instant : this.rate * 0.7 + instant * 0.3;
    this.lastAt = now;
  }

  chunksPerSecond(): number {
    return Math.round(this.rate * 10) / 10;
  }

  /** Seconds left, from the pass's average time per file; null until something is done. */
  etaSeconds(filesLeft: number, now = Date.now()): number | null {
    if (this.filesDone === 0 || filesLeft <= 0) return filesLeft <= 0 ? 0 : null;
    const perFile = (now - this.passStart) / 1000 / this.filesDone;
    return Math.round(perFile * filesLeft);
  }
}
