/**
 * The indexing queue: files to (re)index or forget, processed in small batches. Each file is written
 * with its chunks and vectors in one transaction, so a kill at any moment loses at most the batch being
 * embedded, and a restart re-embeds nothing that was finished. Content already embedded (an unchanged
 * file, a renamed one, a copy) is reused by hash, never embedded again.
 */
import { existsSync } from 'node:fs';
import type { Embedder, TokenCounter } from '../embed/types';
import type { ExtractorRegistry } from '../extract/extractors';
import type { Corpus } from '../corpus/corpus';
import type { FileFacts, IndexedFileRow } from '../store/rows';
import { isWithin } from '../sources/folder-paths';
import { Coalesced } from './coalesced';
import { ProgressMeter } from './progress-meter';
import { extractChunks, readFileSafely } from './prepare-file';
import type { Chunk } from '../chunk/chunker';
import type { FileProgress } from '../../shared/types';

export interface IndexJob {
  path: string;
  folderId: number;
}

export interface IndexerDeps {
  /** Owns the stored rows and the in-memory vectors of the embedding set being indexed. */
  corpus: Corpus;
  embedder: Embedder;
  counter: TokenCounter;
  extractors: ExtractorRegistry;
  maxFileBytes: () => number;
  /** Called after every batch and state change (the service throttles it into progress events). */
  onProgress: () => void;
  /** Called when searchable content changed: at once, then at most every INDEX_CHANGED_MS while changes keep coming. */
  onIndexChanged: () => void;
}

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

const FILES_PER_BATCH = 16;
const CHUNKS_PER_BATCH = 128;
const MAX_CHANGING_RETRIES = 5;
/** A removed file's row is kept this long in case it reappears under another name (a rename seen as two events). */
const RENAME_GRACE_MS = 1000;
/** Index-changed events of a burst of writes and removals come at most this often (see Coalesced). */
const INDEX_CHANGED_MS = 250;

export class Indexer {
  readonly totals: IndexTotals = { embedded: 0, reused: 0, unchanged: 0, failed: 0, removed: 0, chunksEmbedded: 0, embedMs: 0 };
  readonly meter = new ProgressMeter();
  currentFile: string | null = null;
  /** Pages read or passages embedded of the file in hand (the progress line of a 300-page manual). */
  currentFileProgress: FileProgress | null = null;
  private readonly upserts = new Map<string, IndexJob>();
  /** Paths gone from disk: out of the search index at once, out of the store once the queue is empty. */
  private readonly removals = new Map<string, IndexJob>();
  private readonly retries = new Map<string, number>();
  /** Paths of the batch being read and embedded (they are in neither queue meanwhile). */
  private readonly inFlight = new Set<string>();
  /**
   * In-flight paths a later event withdrew (deleted, or refused): the batch must not write them when its
   * vectors come back, or a file deleted while being embedded would stay indexed until the next start.
   */
  private readonly withdrawn = new Set<string>();
  private running: Promise<void> | null = null;
  private paused = false;
  private resumeGate: (() => void) | null = null;
  private stopped = false;
  /** Aborted by stop(): the document being read and the passages being embedded are given up at once. */
  private readonly stopping = new AbortController();
  private idleWaiters: (() => void)[] = [];
  private passTotal = 0;
  private lastRemovalAt = 0;
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

  constructor(private readonly deps: IndexerDeps) {
    this.indexChanged = new Coalesced(() => deps.onIndexChanged(), INDEX_CHANGED_MS);
  }

  get isPaused(): boolean {
    return this.paused;
  }

  get busy(): boolean {
    return this.running !== null;
  }

  get queued(): number {
    return this.upserts.size + this.removals.size;
  }

  get filesTotal(): number {
    return this.passTotal;
  }

  enqueue(job: IndexJob): void {
    this.removals.delete(job.path);
    // Back on disk (re-created, or written again): the in-flight copy may be written; this job follows it.
    this.withdrawn.delete(job.path);
    if (!this.upserts.has(job.path)) this.passTotal++;
    this.upserts.set(job.path, job);
    this.kick();
  }

  /** The file is gone: hide it from searches now; its row waits in case it reappears under another name. */
  enqueueRemoval(job: IndexJob): void {
    if (this.upserts.delete(job.path)) this.passTotal--;
    if (this.inFlight.has(job.path)) this.withdrawn.add(job.path);
    const row = this.deps.corpus.fileAt(job.path);
    if (!row) return;
    if (this.deps.corpus.hide(row.id)) this.indexChanged.poke();
    this.removals.set(job.path, job);
    this.lastRemovalAt = Date.now();
    this.kick();
  }

  /** The file cannot be indexed (a walk or a watch event found a link out, a loop, a pipe): list it, drop what was indexed. */
  refuse(job: IndexJob, reason: string): void {
    if (this.upserts.delete(job.path)) this.passTotal--;
    this.removals.delete(job.path);
    if (this.inFlight.has(job.path)) this.withdrawn.add(job.path);
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
    for (const map of [this.upserts, this.removals]) for (const p of map.keys()) if (isWithin(p, folder)) map.delete(p);
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
        this.passTotal = 0;
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
      if (this.upserts.size > 0 && !(await this.modelReady())) {
        this.passTotal -= this.upserts.size;
        this.upserts.clear();
        continue;
      }
      const batch = [...this.upserts.values()].slice(0, FILES_PER_BATCH);
      if (batch.length === 0) {
        const wait = this.lastRemovalAt + RENAME_GRACE_MS - Date.now();
        if (this.removals.size > 0 && wait > 0) {
          await new Promise((r) => setTimeout(r, Math.min(wait, 100)));
          continue;
        }
        this.flushRemovals();
        return;
      }
      for (const job of batch) {
        this.upserts.delete(job.path);
        this.inFlight.add(job.path);
      }
      try {
        await this.processBatch(batch);
      } catch (err) {
        if (this.stopping.signal.aborted) return; // given up by stop(): not a failure of these files
        throw err;
      } finally {
        for (const job of batch) {
          this.inFlight.delete(job.path);
          this.withdrawn.delete(job.path);
        }
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
    for (const job of this.removals.values()) {
      if (this.deps.corpus.deleteFile(job.path) !== undefined) {
        this.totals.removed++;
        changed = true;
      }
    }
    this.removals.clear();
    if (changed) this.indexChanged.poke();
  }

  private async processBatch(batch: IndexJob[]): Promise<void> {
    const { corpus } = this.deps;
    // The model these passages are cut for and embedded by; see the change-over check below.
    const setId = corpus.embeddingSetId;
    const toEmbed: { facts: FileFacts; chunks: Chunk[] }[] = [];
    let chunkCount = 0;
    let done = 0;
    let reported = 0; // passages already counted by the embedding's progress
    const signal = this.stopping.signal;
    for (const job of batch) {
      this.currentFile = job.path;
      this.currentFileProgress = null;
      const facts = await this.prepare(job);
      // Chunking is synchronous: give searches and events a turn between files.
      await new Promise((r) => setImmediate(r));
      if (!facts) {
        done++;
        continue;
      }
      if (chunkCount > 0 && chunkCount + facts.chunks.length > CHUNKS_PER_BATCH) {
        // Keep batches small so a kill loses little work; the rest goes back to the front of the queue.
        this.requeueFront(batch.slice(batch.indexOf(job)));
        break;
      }
      toEmbed.push(facts);
      chunkCount += facts.chunks.length;
    }
    if (toEmbed.length > 0) {
      const texts = toEmbed.flatMap((f) => f.chunks.map((c) => c.text));
      const t0 = performance.now();
      let vectors: Float32Array[];
      const onProgress = (n: number) => {
        this.meter.passages(n - reported);
        reported = n;
        this.currentFileProgress = { unit: 'passages', done: n, total: texts.length };
        this.deps.onProgress();
      };
      try {
        // The chunker's token ids go with the texts: each passage is tokenised once.
        const tokenIds = toEmbed.flatMap((f) => f.chunks.map((c) => c.tokenIds));
        vectors = await this.deps.embedder.encode(texts, { role: 'passage', signal, onProgress, tokenIds });
      } catch (err) {
        if (signal.aborted) throw err;
        // The embedding process gave up (it already restarts and retries after a crash): say so per file.
        const reason = `could not compute the passages' vectors: ${err instanceof Error ? err.message : String(err)}`;
        for (const { facts } of toEmbed) if (this.stillWanted(facts.path)) this.fail(facts, { ...facts, reason });
        this.meter.record(done + toEmbed.length, 0);
        return;
      }
      this.totals.embedMs += performance.now() - t0;
      if (corpus.embeddingSetId !== setId) {
        // The index changed over to another model while these passages were cut and embedded by the
        // old one: writing them would mix two models. Cut and embed them again with the new one.
        this.requeueFront(toEmbed.map(({ facts }) => ({ path: facts.path, folderId: facts.folderId })));
        this.meter.record(done, 0);
        return;
      }
      let v = 0;
      for (const { facts, chunks } of toEmbed) {
        const stored = chunks.map((c) => ({ ...c, vector: vectors[v++] }));
        if (!this.folderExists(facts.folderId)) continue; // the folder was removed while this batch was embedded
        if (!this.stillWanted(facts.path)) continue;
        corpus.writeFile(facts, stored);
        this.totals.embedded++;
        this.totals.chunksEmbedded += chunks.length;
      }
      this.indexChanged.poke();
    }
    this.meter.record(done + toEmbed.length, chunkCount - reported);
  }

  /** Decide what a file needs; returns facts+chunks when it must be embedded, else handles it here. */
  private async prepare(job: IndexJob): Promise<{ facts: FileFacts; chunks: Chunk[] } | null> {
    const { corpus } = this.deps;
    const old = corpus.fileAt(job.path);
    const read = await readFileSafely(job.path, this.deps.maxFileBytes());
    if (read.kind === 'gone') {
      if (old) this.enqueueRemoval(job);
      return null;
    }
    if (read.kind === 'changing') {
      const n = (this.retries.get(job.path) ?? 0) + 1;
      this.retries.set(job.path, n);
      if (n <= MAX_CHANGING_RETRIES) {
        setTimeout(() => this.enqueue(job), 200 * n).unref();
        return null;
      }
      this.retries.delete(job.path);
      this.fail(job, { size: 0, mtimeMs: 0, reason: 'the file kept changing while being read; will retry when it is saved again' });
      return null;
    }
    this.retries.delete(job.path);
    if (read.kind === 'failed') {
      this.fail(job, read);
      return null;
    }
    const facts: FileFacts = { folderId: job.folderId, path: job.path, size: read.size, mtimeMs: read.mtimeMs, contentHash: read.contentHash };
    if (corpus.isCurrent(old, { contentHash: read.contentHash })) {
      corpus.touchFile(old.id, read.size, read.mtimeMs);
      this.totals.unchanged++;
      return null;
    }
    if (!this.stillWanted(job.path)) return null;
    const twin = this.reusable(read.contentHash, job.path);
    if (twin) {
      const moved = this.removals.has(twin.path) || !existsSync(twin.path);
      if (moved) {
        this.removals.delete(twin.path);
        corpus.moveFile(twin.id, facts);
      } else {
        corpus.copyFile(facts, twin);
      }
      this.totals.reused++;
      this.indexChanged.poke();
      return null;
    }
    const extracted = await extractChunks(job.path, read.bytes, this.deps.extractors, this.deps.counter, this.deps.embedder.maxSeqLength, {
      signal: this.stopping.signal,
      onProgress: (p) => {
        this.currentFileProgress = { unit: 'pages', ...p };
        this.deps.onProgress();
      },
    });
    if ('reason' in extracted) {
      if (!this.stillWanted(job.path)) return null;
      this.fail(job, { size: read.size, mtimeMs: read.mtimeMs, reason: extracted.reason }, read.contentHash);
      return null;
    }
    return { facts, chunks: extracted.chunks };
  }

  /** A stored copy of this content; one whose file is gone (a move) before one still on disk (a copy). */
  private reusable(contentHash: string, path: string) {
    return this.deps.corpus.reusableTwin(contentHash, path, (t) => this.removals.has(t.path) || !existsSync(t.path));
  }

  /**
   * Checked just before an in-flight file is written, in the same synchronous step as the write: it was
   * not withdrawn by an event meanwhile, and it is still on disk (its deletion may not have been reported
   * yet; if it is deleted after this check, the removal finds the row and takes it out).
   */
  private stillWanted(path: string): boolean {
    return !this.withdrawn.has(path) && existsSync(path);
  }

  private folderExists(folderId: number): boolean {
    return this.deps.corpus.hasFolder(folderId);
  }

  private fail(job: IndexJob, f: { size: number; mtimeMs: number; reason: string }, contentHash: string | null = null): void {
    if (!this.folderExists(job.folderId)) return;
    const facts = { folderId: job.folderId, path: job.path, size: f.size, mtimeMs: f.mtimeMs, contentHash };
    if (this.deps.corpus.writeFailed(facts, f.reason)) this.indexChanged.poke();
    this.totals.failed++;
  }

  private requeueFront(jobs: IndexJob[]): void {
    for (const j of jobs) this.inFlight.delete(j.path);
    const rest = [...this.upserts.values()];
    this.upserts.clear();
    for (const j of [...jobs.filter((j) => !this.withdrawn.has(j.path)), ...rest]) this.upserts.set(j.path, j);
  }
}
