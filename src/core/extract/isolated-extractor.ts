/**
 * Runs the rich-document extractors, and the question-bank import readers, in child processes with a
 * time and memory budget per file. A file that takes too long, or needs too much memory, or crashes
 * the reader, costs one child process: it is killed and replaced, the file is refused with the
 * reason, and the next files go on. An import is read in parts the caller pulls one at a time
 * (the time budget runs while a part is being read, not while the caller embeds the last one).
 *
 * Children start on first use and are unref'd while idle, so a process that only ever indexes text
 * files, or has finished, is not kept alive by them.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DOCUMENT_FILE_TYPES } from './document-types';
import type { ImportFormat } from '../../shared/questions';
import type { ReadOptions, ReadProgress, SourceRow } from '../questions/source-rows';
import type { RowsPart, WorkerReply, WorkerRequest } from './extract-worker';
import { ExtractionRefused, type ExtractedDocument, type ExtractOptions, type Extractor } from './types';

const EXIT_OVER_MEMORY = 86; // extract-worker.ts; not imported so this process never loads the readers

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
  /** The worker script (tests point it at a broken one); default: extract-worker beside this file. */
  workerScript?: string;
}

interface Job {
  id: number;
  /** Sent to the child when the job starts. */
  request: WorkerRequest;
  /** A reply for this job arrived; true when the job is finished. */
  onReply: (reply: Exclude<WorkerReply, { ready: true }>) => boolean;
  /** The child died or was killed, or the reader was closed. */
  reject: (err: Error) => void;
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
  child: ChildProcess;
  ready: Promise<void>;
  job: Job | null;
  timer: NodeJS.Timeout | null;
  files: number;
  stderr: string;
  /** Set when this side killed the child (time budget), so its exit is not reported as a crash. */
  killedFor: string | null;
  isReady: boolean;
}

/** A reader that has not said it is ready by then is stuck starting (a loaded machine takes a few seconds). */
const START_TIMEOUT_MS = 60_000;

/** Where the worker is: its .ts source under tsx, or the built .js next to the bundle. */
function workerEntry(): { entry: string; execArgv: string[] } {
  const here = dirname(fileURLToPath(import.meta.url));
  const source = join(here, 'extract-worker.ts');
  // Built: the bundler puts extract-worker.js beside the main entry; this code may sit there or in chunks/.
  const built = [join(here, 'extract-worker.js'), join(here, '..', 'extract-worker.js')].find((p) => existsSync(p));
  const entry = existsSync(source) ? source : (built ?? join(here, 'extract-worker.js'));
  return { entry, execArgv: entry.endsWith('.ts') ? ['--import', 'tsx'] : [] };
}

export class IsolatedExtractor implements Extractor {
  readonly fileTypes: readonly string[];
  /** Children replaced after a timeout, memory overrun or crash (tests and the benchmark read it). */
  restarts = 0;
  private readonly timeoutMs: number;
  private readonly memoryMb: number;
  private readonly size: number;
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
    this.size = Math.max(1, options.processes ?? 1);
    this.filesPerProcess = options.filesPerProcess ?? 200;
    this.workerScript = options.workerScript;
    this.slots = new Array(this.size).fill(null);
  }

  /**
   * Read one document in a child. `options.signal` stops it at once: the child reading it is killed
   * (a PDF.js page loop cannot be interrupted from outside), and the promise rejects with the reason.
   */
  extract(bytes: Buffer, fileType: string, options: ExtractOptions = {}): Promise<ExtractedDocument> {
    if (this.closed) return Promise.reject(new Error('the document reader was closed'));
    const { signal, onProgress } = options;
    if (signal?.aborted) return Promise.reject(signal.reason);
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      const job: Job = {
        id,
        request: { id, fileType, bytes },
        reject,
        onReply(reply) {
          if ('part' in reply) return false;
          if ('reading' in reply) {
            onProgress?.(reply.reading);
            return false;
          }
          signal?.removeEventListener('abort', onAbort);
          if (reply.ok) resolve(reply.doc);
          else reject(reply.refused ? new ExtractionRefused(reply.message) : new Error(reply.message));
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
    const id = this.nextId++;
    let encoding = format === 'xlsx' ? 'xlsx' : '';
    let progress: ReadProgress = { bytesRead: 0, bytesTotal: 0, rowsTotal: null };
    let waiting: { resolve: (part: RowsPart) => void; reject: (err: Error) => void } | null = null;
    let early: { part?: RowsPart; err?: Error } | null = null;
    const deliver = (part: RowsPart | null, err: Error | null) => {
      const w = waiting;
      waiting = null;
      if (!w) early = { part: part ?? undefined, err: err ?? undefined };
      else if (err) w.reject(err);
      else w.resolve(part!);
    };
    const job: Job = {
      id,
      request: { id, rows: { file, format, options } },
      reject: (err) => deliver(null, err),
      onReply(reply) {
        if ('part' in reply) {
          encoding = reply.part.encoding;
          progress = reply.part.progress;
          deliver(reply.part, null);
          return reply.part.done;
        }
        if ('reading' in reply) return false;
        if (!reply.ok) deliver(null, reply.refused ? new ExtractionRefused(reply.message) : new Error(reply.message));
        return true;
      },
    };
    const nextPart = (first: boolean): Promise<RowsPart> =>
      new Promise((resolve, reject) => {
        if (early) {
          const e = early;
          early = null;
          if (e.err) reject(e.err);
          else resolve(e.part!);
          return;
        }
        waiting = { resolve, reject };
        if (first) {
          if (this.closed) return deliver(null, new Error('the document reader was closed'));
          this.queue.push(job);
          this.pump();
        } else this.send(job, { id, next: true });
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

  /** Kill the children; pending files are refused. */
  async close(): Promise<void> {
    this.closed = true;
    for (const job of this.queue.splice(0)) job.reject(new Error('the document reader was closed'));
    const exits = this.slots.map((slot, i) => {
      if (!slot) return Promise.resolve();
      this.slots[i] = null;
      slot.job?.reject(new Error('the document reader was closed'));
      if (slot.timer) clearTimeout(slot.timer);
      return new Promise<void>((r) => {
        if (slot.child.exitCode !== null || slot.child.signalCode !== null) return r();
        setRef(slot.child, true); // an idle child is unref'd: without this, nothing would wait for its exit
        slot.child.once('exit', () => r());
        slot.child.kill('SIGKILL');
      });
    });
    await Promise.all(exits);
  }

  /** Process ids of the running children (for tests that check isolation). */
  get pids(): number[] {
    return this.slots.flatMap((s) => (s?.child.pid ? [s.child.pid] : []));
  }

  private pump(): void {
    for (let i = 0; i < this.size && this.queue.length > 0; i++) {
      const slot = this.slots[i] ?? (this.slots[i] = this.spawn(i));
      if (slot.job) continue;
      const job = this.queue.shift()!;
      void this.run(slot, job);
    }
  }

  private async run(slot: Slot, job: Job): Promise<void> {
    slot.job = job;
    slot.files++;
    setRef(slot.child, true);
    try {
      await slot.ready;
    } catch {
      // The child died before it was ready: the exit handler has already refused the job.
      return;
    }
    if (slot.job !== job) return;
    this.send(job, job.request);
  }

  /** Send a message for the running `job`, with the time budget running until its reply. */
  private send(job: Job, message: WorkerRequest): void {
    const slot = this.slots.find((s) => s?.job === job);
    if (!slot) return job.reject(new ExtractionRefused('the document reader stopped'));
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = setTimeout(() => {
      slot.killedFor = `took longer than ${this.timeoutMs >= 1000 ? Math.round(this.timeoutMs / 1000) : (this.timeoutMs / 1000).toFixed(1)} s to read`;
      slot.child.kill('SIGKILL');
    }, this.timeoutMs);
    slot.child.send(message, (err) => {
      if (err && slot.job === job) {
        slot.killedFor = `could not be handed to the document reader (${err.message})`;
        slot.child.kill('SIGKILL');
      }
    });
  }

  /** The caller no longer wants the rest of a job: stop its child (a new one starts for the next job). */
  private abandon(job: Job): void {
    const slot = this.slots.find((s) => s?.job === job);
    if (slot) {
      slot.killedFor = 'cancelled';
      slot.child.kill('SIGKILL');
    } else {
      const i = this.queue.indexOf(job);
      if (i >= 0) this.queue.splice(i, 1);
    }
  }

  private spawn(index: number): Slot {
    const { entry, execArgv } = this.workerScript ? { entry: this.workerScript, execArgv: [] } : workerEntry();
    const child = fork(entry, [], {
      serialization: 'advanced',
      execArgv: [...execArgv, `--max-old-space-size=${this.memoryMb}`],
      env: { ...process.env, TROVE_EXTRACT_MEMORY_MB: String(this.memoryMb) },
      stdio: ['ignore', 'ignore', 'pipe', 'ipc'],
    });
    let markReady!: () => void;
    let failReady!: (e: Error) => void;
    const ready = new Promise<void>((res, rej) => ((markReady = res), (failReady = rej)));
    ready.catch(() => {});
    const slot: Slot = { child, ready, job: null, timer: null, files: 0, stderr: '', killedFor: null, isReady: false };
    const startTimer = setTimeout(() => {
      slot.killedFor = `the document reader did not start within ${START_TIMEOUT_MS / 1000} s`;
      child.kill('SIGKILL');
    }, START_TIMEOUT_MS);
    startTimer.unref();
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (d: string) => (slot.stderr = (slot.stderr + d).slice(-4000)));
    child.on('message', (msg: WorkerReply) => {
      if ('ready' in msg) {
        slot.isReady = true;
        clearTimeout(startTimer);
        return markReady();
      }
      const job = slot.job;
      if (!job || job.id !== msg.id) return;
      // Pages read so far: the file's time budget keeps running.
      if ('reading' in msg) return void job.onReply(msg);
      if (slot.timer) clearTimeout(slot.timer);
      slot.timer = null;
      if (!job.onReply(msg)) return;
      this.finish(index, slot);
      if (slot.files >= this.filesPerProcess) this.retire(index, slot);
      this.pump();
    });
    let ended = false;
    const endSlot = (code: number | null, signal: NodeJS.Signals | null, startError?: string) => {
      if (ended) return;
      ended = true;
      clearTimeout(startTimer);
      failReady(new Error('the document reader exited'));
      if (this.slots[index] === slot) this.slots[index] = null;
      const job = slot.job;
      this.finish(index, slot);
      if (job) {
        this.restarts++;
        job.reject(new ExtractionRefused(startError ?? this.reasonForExit(slot, code, signal)));
      }
      if (!this.closed) this.pump();
    };
    // A process that could not be spawned at all reports only 'error'.
    child.on('error', (err) => {
      if (child.pid === undefined) endSlot(null, null, `the document reader could not start (${err.message})`);
    });
    child.once('exit', (code, signal) => endSlot(code, signal));
    setRef(child, false);
    return slot;
  }

  private reasonForExit(slot: Slot, code: number | null, signal: NodeJS.Signals | null): string {
    if (slot.killedFor) return slot.killedFor;
    if (!slot.isReady) {
      // Not this file's fault: the reader itself is broken (a missing module in a build, say).
      const lines = slot.stderr.split('\n').map((l) => l.trim()).filter(Boolean);
      const why = lines.find((l) => /Error\b.*:/.test(l)) ?? lines.at(-1);
      return `the document reader could not start (${why ?? signal ?? `exit code ${code}`})`;
    }
    if (code === EXIT_OVER_MEMORY || /heap limit|out of memory|Allocation failed/i.test(slot.stderr)) {
      return `needed more than ${this.memoryMb} MB to read`;
    }
    return `the document reader crashed on this file (${signal ?? `exit code ${code}`})`;
  }

  private finish(index: number, slot: Slot): void {
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    slot.job = null;
    if (this.slots[index] === slot) setRef(slot.child, this.queue.length > 0);
  }

  private retire(index: number, slot: Slot): void {
    if (this.slots[index] === slot) this.slots[index] = null;
    slot.child.disconnect();
  }
}

/** An idle child must not keep the parent alive; a busy one must. */
function setRef(child: ChildProcess, on: boolean): void {
  const handles = [child, child.channel, child.stderr] as ({ ref?: () => void; unref?: () => void } | null | undefined)[];
  for (const h of handles) {
    if (on) h?.ref?.();
    else h?.unref?.();
  }
}

let shared: IsolatedExtractor | null = null;

/** The process-wide reader for rich documents (one pool, however many registries are made). */
export function sharedDocumentExtractor(): IsolatedExtractor {
  return (shared ??= new IsolatedExtractor());
}
