/**
 * Runs the rich-document extractors, and the question-bank import readers, in child processes with a
 * time and memory budget per file. A file that takes too long, or needs too much memory, or crashes
 * the reader, costs one child process: it is killed and replaced, the file is refused with the
 * reason, and the next files go on. An import is read in parts the caller pulls one at a time
 * (the time budget runs while a part is being read, not while the caller embeds the last one).
 *
 * Each child is owned by the supervisor every Trove process uses (core/process/supervisor.ts: ready,
 * request ids, time budgets, restart, shutdown); this file keeps what is the reader's own: the pool
 * and its queue, a file or an import holding one child, and the reasons told to the user.
 * Children start on first use and let this process exit while idle, so a process that only ever
 * indexes text files, or has finished, is not kept alive by them.
 */
import { launcherFor } from '../process/helper-launchers';
import { nodeChildLauncher } from '../process/node-child';
import { EXIT_OVER_MEMORY } from '../process/memory-budget';
import { ProcessCrashedError, type Incoming, type ProcessExit } from '../process/supervised-process';
import { Supervisor } from '../process/supervisor';
import { DOCUMENT_FILE_TYPES } from '../file-types';
import type { ImportFormat } from '../../shared/questions';
import type { ReadOptions, ReadProgress, SourceRow } from './import-rows';
import type { ReaderControl, RowsPart, WorkerReply, WorkerRequest } from './reader-protocol';
import { ExtractionRefused, type ExtractedDocument, type ExtractOptions, type Extractor, type ReadingProgress } from './types';

export interface IsolationOptions {
  /** Time budget per file (default 30 s). */
  timeoutMs?: number;
  /** Memory budget of the reading process (default 512 MB). */
  memoryMb?: number;
  /** Child processes reading in parallel (default 1: the embedder needs the other core). */
  processes?: number;
  /** Replace a child after this many files, so slow leaks in a reader never add up (default 200). */
  filesPerProcess?: number;
  fileTypes?: readonly string[];
  /** The worker script (tests point it at a broken one); default: src/worker/extract-worker. */
  workerScript?: string;
}

type Reply = Exclude<WorkerReply, { ready: true }>;

/** One file, or one import file, from the queue to its last reply. */
interface Job {
  /** The first request; an import's later parts are requests of their own. */
  request: WorkerRequest;
  onReading?: (reading: ReadingProgress) => void;
  /** The final reply to one of the job's requests; true when the job is finished. */
  onReply(reply: Reply): boolean;
  /** The child died or was killed, or the reader was closed. */
  reject(err: Error): void;
}

/** An import file read in the child: rows in parts, with what the reader knows so far. */
export interface IsolatedRows {
  rows: AsyncIterable<SourceRow>;
  /** The encoding found (final once the rows are all read). */
  readonly encoding: string;
  /** How far the reading is. */
  readonly progress: ReadProgress;
}

interface Slot {
  reader: Supervisor<WorkerRequest | ReaderControl, WorkerReply>;
  /** The job holding this child (an import holds it from its first part to its last). */
  job: Job | null;
  files: number;
}

/** A reader that has not said it is ready by then is stuck starting (a loaded machine takes a few seconds). */
const START_TIMEOUT_MS = 60_000;

const read = (m: WorkerReply): Incoming => ('ready' in m ? { kind: 'ready' } : { kind: 'reply', id: m.id, final: !('reading' in m) });
const closedError = () => new Error('the document reader was closed');

export class IsolatedExtractor implements Extractor {
  readonly fileTypes: readonly string[];
  /** Children replaced after a timeout, memory overrun or crash (tests and the benchmark read it). */
  restarts = 0;
  private readonly timeoutMs: number;
  private readonly memoryMb: number;
  private readonly filesPerProcess: number;
  private readonly workerScript: string | undefined;
  private readonly slots: (Slot | null)[];
  private readonly queue: Job[] = [];
  private nextId = 1;
  private closed = false;

  constructor(options: IsolationOptions = {}) {
    this.fileTypes = options.fileTypes ?? DOCUMENT_FILE_TYPES;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.memoryMb = options.memoryMb ?? 512;
    this.filesPerProcess = options.filesPerProcess ?? 200;
    this.workerScript = options.workerScript;
    this.slots = new Array(Math.max(1, options.processes ?? 1)).fill(null);
  }

  /**
   * Read one document in a child. `options.signal` stops it at once: the child reading it is killed
   * (a PDF.js page loop cannot be interrupted from outside), and the promise rejects with the reason.
   */
  extract(bytes: Buffer, fileType: string, options: ExtractOptions = {}): Promise<ExtractedDocument> {
    if (this.closed) return Promise.reject(closedError());
    const { signal, onProgress } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const job: Job = {
        request: { id: this.nextId++, fileType, bytes },
        onReading: onProgress,
        reject,
        onReply(reply) {
          signal?.removeEventListener('abort', onAbort);
          if ('ok' in reply && reply.ok) resolve(reply.doc);
          else if ('ok' in reply) reject(reply.refused ? new ExtractionRefused(reply.message) : new Error(reply.message));
          return true;
        },
      };
      const onAbort = () => {
        reject(signal!.reason);
        this.abandon(job);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.queue.push(job);
      this.pump();
    });
  }

  /**
   * Read a question-bank import file in the child, as rows. Parts are read one at a time when the
   * caller asks for them; a failure (bad file, time or memory budget) is thrown from the iteration
   * as ExtractionRefused or Error with the reason. Leaving the iteration early stops the child.
   */
  readRows(file: string, format: ImportFormat, options: ReadOptions): IsolatedRows {
    const importId = this.nextId++;
    let encoding = format === 'xlsx' ? 'xlsx' : '';
    let progress: ReadProgress = { bytesRead: 0, bytesTotal: 0, rowsTotal: null };
    let waiting: { resolve: (part: RowsPart) => void; reject: (err: Error) => void } | null = null;
    const take = () => {
      const w = waiting;
      waiting = null;
      return w;
    };
    const job: Job = {
      request: { id: importId, rows: { file, format, options } },
      reject: (err) => take()?.reject(err),
      onReply(reply) {
        if ('part' in reply) {
          encoding = reply.part.encoding;
          progress = reply.part.progress;
          take()?.resolve(reply.part);
          return reply.part.done;
        }
        if ('ok' in reply && !reply.ok) take()?.reject(reply.refused ? new ExtractionRefused(reply.message) : new Error(reply.message));
        return true;
      },
    };
    // The caller pulls one part at a time: the first waits its turn in the queue, the next ones go to the child it holds.
    const nextPart = (first: boolean): Promise<RowsPart> =>
      new Promise((resolve, reject) => {
        waiting = { resolve, reject };
        if (!first) return this.exchange(job, { id: this.nextId++, next: importId });
        if (this.closed) return reject(closedError());
        this.queue.push(job);
        this.pump();
      });
    const abandon = () => this.abandon(job);
    return {
      get encoding() {
        return encoding;
      },
      get progress() {
        return progress;
      },
      rows: (async function* () {
        let done = false;
        try {
          for (let first = true; !done; first = false) {
            const part = await nextPart(first);
            done = part.done;
            yield* part.rows;
          }
        } finally {
          // Left early (an error while importing, or cancelled): the child's reading is of no more use.
          if (!done) abandon();
        }
      })(),
    };
  }

  /** Stop the children; pending files are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(closedError());
    const stops = this.slots.map((slot, i) => {
      if (!slot) return Promise.resolve();
      this.slots[i] = null;
      const job = slot.job;
      slot.job = null;
      job?.reject(closedError());
      return slot.reader.close(0);
    });
    await Promise.all(stops);
  }

  /** Process ids of the running children (for tests that check isolation). */
  get pids(): number[] {
    return this.slots.flatMap((s) => (s?.reader.pid ? [s.reader.pid] : []));
  }

  private pump(): void {
    for (let i = 0; i < this.slots.length && this.queue.length > 0; i++) {
      const slot = (this.slots[i] ??= this.newSlot());
      if (slot.job) continue;
      const job = this.queue.shift()!;
      slot.job = job;
      slot.files++;
      this.exchange(job, job.request);
    }
  }

  /** One request of `job` to the child it holds, with the time budget running until its final reply. */
  private exchange(job: Job, message: WorkerRequest): void {
    const slot = this.slots.find((s) => s?.job === job);
    if (!slot) return job.reject(new ExtractionRefused('the document reader stopped'));
    const seconds = this.timeoutMs >= 1000 ? Math.round(this.timeoutMs / 1000) : (this.timeoutMs / 1000).toFixed(1);
    const budget = { timeoutMs: this.timeoutMs, reason: `took longer than ${seconds} s to read` };
    const onUpdate = (m: WorkerReply) => 'reading' in m && job.onReading?.(m.reading);
    slot.reader.request(message.id, message, onUpdate, budget).then(
      (reply) => {
        if (slot.job === job && job.onReply(reply as Reply)) this.release(slot);
      },
      (err: Error) => {
        if (slot.job !== job) return; // abandoned or closed: its caller has its answer
        if (err instanceof ProcessCrashedError) this.restarts++;
        job.reject(err instanceof ProcessCrashedError ? new ExtractionRefused(err.message) : err);
        this.release(slot);
      },
    );
  }

  /** The job is over: the child takes the next one, or is retired after its share of files. */
  private release(slot: Slot): void {
    slot.job = null;
    if (slot.files >= this.filesPerProcess) {
      const i = this.slots.indexOf(slot);
      if (i >= 0) this.slots[i] = null;
      void slot.reader.close();
    }
    if (!this.closed) this.pump();
  }

  /** The caller no longer wants the rest of a job: stop its child (a new one starts for the next job). */
  private abandon(job: Job): void {
    const slot = this.slots.find((s) => s?.job === job);
    if (slot) {
      slot.job = null;
      slot.reader.kill('cancelled');
      if (!this.closed) this.pump();
    } else {
      const i = this.queue.indexOf(job);
      if (i >= 0) this.queue.splice(i, 1);
    }
  }

  private newSlot(): Slot {
    let stderr = '';
    const options = { memoryMb: this.memoryMb, quiet: true, onStderr: (text: string) => (stderr = (stderr + text).slice(-4000)) };
    // A reader as this process starts its helpers (in the app: a utility process Electron main starts).
    const launch = this.workerScript
      ? nodeChildLauncher<WorkerRequest | ReaderControl, WorkerReply>({ entry: this.workerScript, execArgv: [] }, options)
      : launcherFor<WorkerRequest | ReaderControl, WorkerReply>('extract', options);
    const reader = Supervisor.lazy<WorkerRequest | ReaderControl, WorkerReply>({
      name: 'the document reader',
      launch: () => {
        stderr = '';
        return launch();
      },
      init: { init: true },
      shutdown: { shutdown: true },
      read,
      describeExit: (exit) => this.reasonForExit(exit, stderr),
      // A reader that cannot start is reported on the file at once; the next file tries a new one.
      startAttempts: 1,
      startTimeoutMs: START_TIMEOUT_MS,
      restart: 'when-asked',
      holdWhileIdle: false,
    });
    return { reader, job: null, files: 0 };
  }

  private reasonForExit(exit: ProcessExit, stderr: string): string {
    const { code, signal } = exit;
    if (exit.killedFor) return exit.killedFor;
    if (!exit.ready) {
      // Not this file's fault: the reader itself is broken (a missing module in a build, say).
      const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
      const why = lines.find((l) => /Error\b.*:/.test(l)) ?? lines.at(-1);
      return `the document reader could not start (${why ?? signal ?? `exit code ${code}`})`;
    }
    if (code === EXIT_OVER_MEMORY || /heap limit|out of memory|Allocation failed/i.test(stderr)) {
      return `needed more than ${this.memoryMb} MB to read`;
    }
    return `the document reader crashed on this file (${signal ?? `exit code ${code}`})`;
  }
}

let shared: IsolatedExtractor | null = null;

/** The process-wide reader for rich documents (one pool, however many registries are made). */
export function sharedDocumentExtractor(): IsolatedExtractor {
  return (shared ??= new IsolatedExtractor());
}
