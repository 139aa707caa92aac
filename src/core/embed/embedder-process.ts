/**
 * The one owner of the embedding process on the calling side: start, request ids, batching of large
 * calls, restart after a crash with the in-flight requests resent, and a timed shutdown.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultModelDir, type ModelVariant } from './model-files';
import type { ModelSummary, WorkerHandle, WorkerLauncher, WorkerRequest, WorkerResponse } from './protocol';
import type { EncodeOptions, Embedder, SimilarityFunction } from './types';

export interface EmbedderProcessOptions {
  modelDir?: string;
  variant?: ModelVariant;
  threads?: number;
  /** How to start the process (default: a Node child process running src/worker/embed-worker). */
  launch?: WorkerLauncher;
  /** Texts per message to the process; a larger call is split so memory and messages stay bounded. */
  textsPerRequest?: number;
  /** Attempts per request across crashes before it is failed (default 2). */
  maxAttempts?: number;
}

/** The embedding process died while working on a request, more often than allowed. */
export class EmbedderCrashedError extends Error {
  override name = 'EmbedderCrashedError';
}

interface Pending {
  message: Extract<WorkerRequest, { id: number }>;
  onProgress?: (done: number) => void;
  attempts: number;
  resolve: (value: unknown) => void;
  reject: (err: Error) => void;
}

/** A Node child process running the worker entry: TypeScript through tsx from source, or the built JS. */
export function nodeChildLauncher(): WorkerLauncher {
  const here = dirname(fileURLToPath(import.meta.url));
  const built = join(here, 'embed-worker.js'); // next to the bundle in out/main
  const source = join(here, '..', '..', 'worker', 'embed-worker.ts');
  const entry = existsSync(source) ? source : built;
  const execArgv = entry.endsWith('.ts') ? ['--import', 'tsx'] : [];
  return () => {
    const child = fork(entry, [], { serialization: 'advanced', execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    // A send to a process that just died fails with EPIPE: its 'exit' is what counts (restart, resend).
    child.on('error', () => {});
    return {
      pid: child.pid,
      send: (m) => {
        if (child.connected) child.send(m, () => {});
      },
      onMessage: (l) => child.on('message', (m) => l(m as WorkerResponse)),
      onExit: (l) => child.once('exit', (code, signal) => l(code, signal)),
      kill: () => child.kill('SIGKILL'),
    };
  };
}

/** Consecutive deaths before the process says it is ready, after which it is reported as unable to start. */
const MAX_FAILED_STARTS = 4;
/** Wait before the n-th consecutive restart of a process that died while starting (a loaded machine, an OOM kill). */
const START_BACKOFF_MS = [0, 250, 1000, 3000];

export class EmbedderProcess implements Embedder {
  modelId = '';
  dimension = 0;
  maxSeqLength = 0;
  variant: ModelVariant = 'fp32';
  similarity: SimilarityFunction = 'cosine';
  /** Times the process was restarted after dying. */
  restarts = 0;
  private handle: WorkerHandle | null = null;
  private ready: Promise<void> | null = null;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private closing = false;
  private failedStarts = 0;
  /** Set while a restart waits out its backoff. */
  private cancelRestart: (() => void) | null = null;
  private readonly launch: WorkerLauncher;
  private readonly modelDir: string;

  private constructor(private readonly options: EmbedderProcessOptions) {
    this.launch = options.launch ?? nodeChildLauncher();
    this.modelDir = options.modelDir ?? defaultModelDir();
  }

  /**
   * Start the process and read the model's manifest there; the weights load on first use. A process that
   * dies before it is ready is restarted with backoff, like one that dies later; only one that keeps
   * dying while starting, or refuses the model, is an error.
   */
  static async start(options: EmbedderProcessOptions = {}): Promise<EmbedderProcess> {
    const p = new EmbedderProcess(options);
    try {
      void p.spawn().catch(() => {}); // whenReady follows restarts
      await p.whenReady();
    } catch (err) {
      p.closing = true;
      p.handle?.kill();
      throw err;
    }
    return p;
  }

  /** OS pid of the current embedding process. */
  get pid(): number | undefined {
    return this.handle?.pid;
  }

  private spawn(): Promise<void> {
    const handle = this.launch();
    this.handle = handle;
    this.ready = new Promise<void>((resolve, reject) => {
      handle.onMessage((msg) => {
        if (msg.type === 'ready') {
          this.describe(msg);
          resolve();
        } else if (msg.type === 'init-failed') reject(new Error(msg.message));
        else this.settle(msg);
      });
      let ready = false;
      handle.onMessage((msg) => {
        if (msg.type === 'ready') ready = true;
      });
      handle.onExit((code, signal) => {
        const starts = ready ? 0 : this.failedStarts + 1;
        reject(
          new EmbedderCrashedError(
            starts >= MAX_FAILED_STARTS
              ? `the embedding process could not start: it exited ${starts} times before it was ready (last: code ${code}, signal ${signal})`
              : `embedding process exited before it was ready (code ${code}, signal ${signal})`,
          ),
        );
        this.exited(handle, code, signal, ready);
      });
    });
    handle.send({ type: 'init', modelDir: this.modelDir, variant: this.options.variant, threads: this.options.threads });
    return this.ready;
  }

  private describe(s: ModelSummary): void {
    this.modelId = s.modelId;
    this.dimension = s.dimension;
    this.maxSeqLength = s.maxSeqLength;
    this.variant = s.variant;
    this.similarity = s.similarity;
  }

  private settle(msg: WorkerResponse): void {
    if (!('id' in msg)) return;
    const p = this.pending.get(msg.id);
    if (!p) return;
    if (msg.type === 'progress') return p.onProgress?.(msg.done);
    this.pending.delete(msg.id);
    if (msg.type === 'error') p.reject(new Error(msg.message));
    else if (msg.type === 'result') p.resolve(msg.vectors);
    else p.resolve(msg.type === 'done' ? msg.value : undefined);
  }

  private exited(handle: WorkerHandle, code: number | null, signal: string | null, wasReady: boolean): void {
    if (handle !== this.handle) return;
    this.handle = null;
    if (this.closing) {
      for (const p of this.pending.values()) p.reject(new Error('embedding process stopped'));
      this.pending.clear();
      return;
    }
    // Crash: fail what has used up its attempts, restart, resend the rest.
    const why = `embedding process died (code ${code}, signal ${signal})`;
    this.failedStarts = wasReady ? 0 : this.failedStarts + 1;
    for (const [id, p] of this.pending) {
      if (p.attempts >= (this.options.maxAttempts ?? 2) || this.failedStarts >= MAX_FAILED_STARTS) {
        this.pending.delete(id);
        p.reject(new EmbedderCrashedError(`${why} while encoding; gave up after ${p.attempts} attempts`));
      }
    }
    if (this.failedStarts >= MAX_FAILED_STARTS) return; // the next request tries again
    this.restart();
  }

  private restart(): void {
    this.restarts++;
    const delay = START_BACKOFF_MS[Math.min(this.failedStarts, START_BACKOFF_MS.length - 1)];
    // The promise stands in for the process being started, so whenReady() waits through the backoff.
    let spawned: Promise<void>;
    if (delay === 0) spawned = this.spawn();
    else {
      // This promise stands in for the process while it waits, so whenReady() and request() wait with it.
      spawned = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.cancelRestart = null;
          this.spawn().then(resolve, reject);
        }, delay);
        this.cancelRestart = () => {
          clearTimeout(timer);
          this.cancelRestart = null;
          reject(new Error('embedding process stopped'));
        };
      });
      this.ready = spawned;
    }
    spawned.then(
      () => {
        for (const p of this.pending.values()) {
          p.attempts++;
          this.handle?.send(p.message);
        }
      },
      (err: Error) => {
        // A death during start-up is handled by exited(); a refusal to start (bad model) fails the work.
        if (err instanceof EmbedderCrashedError) return;
        for (const p of this.pending.values()) p.reject(err);
        this.pending.clear();
      },
    );
  }

  /** Resolves when the process is up and has read the model's manifest. */
  async whenReady(): Promise<void> {
    for (;;) {
      const ready = this.ready;
      try {
        await ready;
        return;
      } catch (err) {
        // Died while starting: if a restart is already under way, wait for that one instead.
        if (!(err instanceof EmbedderCrashedError) || this.closing || this.ready === ready) throw err;
      }
    }
  }

  private async request(
    message: Extract<WorkerRequest, { id: number }>,
    extra: { signal?: AbortSignal; onProgress?: (done: number) => void } = {},
  ): Promise<unknown> {
    const { signal, onProgress } = extra;
    if (this.closing) throw new Error('embedding process is stopped');
    signal?.throwIfAborted();
    if (!this.handle && !this.cancelRestart) {
      this.failedStarts = 0;
      this.restart();
    }
    await this.whenReady();
    signal?.throwIfAborted();
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (!this.pending.delete(message.id)) return;
        this.handle?.send({ type: 'cancel', id: message.id });
        reject(signal!.reason);
      };
      const settle = () => signal?.removeEventListener('abort', onAbort);
      this.pending.set(message.id, {
        message,
        attempts: 1,
        onProgress,
        resolve: (v) => (settle(), resolve(v)),
        reject: (e) => (settle(), reject(e)),
      });
      signal?.addEventListener('abort', onAbort, { once: true });
      if (this.handle) this.handle.send(message);
      // else: a restart is under way and will send everything pending.
    });
  }

  async encode(texts: string[], options: EncodeOptions = {}): Promise<Float32Array[]> {
    if (!Array.isArray(texts)) throw new TypeError('encode: texts must be an array of strings');
    const per = this.options.textsPerRequest ?? 256;
    const parts: Promise<unknown>[] = [];
    const done: number[] = [];
    for (let i = 0, k = 0; i < texts.length; i += per, k++) {
      done.push(0);
      const onProgress = options.onProgress
        ? (n: number) => {
            done[k] = n;
            options.onProgress!(done.reduce((a, b) => a + b, 0));
          }
        : undefined;
      const slice = texts.slice(i, i + per);
      const part = this.request(
        { type: 'encode', id: this.nextId++, texts: slice, batchSize: options.batchSize, priority: options.priority, role: options.role },
        { signal: options.signal, onProgress },
      );
      parts.push(onProgress ? part.then((v) => (onProgress(slice.length), v)) : part);
    }
    return (await Promise.all(parts)).flat() as Float32Array[];
  }

  /** Load the weights now instead of on the first encode. */
  async warmup(): Promise<void> {
    await this.request({ type: 'warmup', id: this.nextId++ });
  }

  /** Counters and memory of the embedding process (for benchmarks). */
  async stats(): Promise<{ texts: number; tokens: number; tokenizeMs: number; modelMs: number; rssBytes: number; peakRssBytes: number }> {
    return (await this.request({ type: 'stats', id: this.nextId++ })) as never;
  }

  /** Ask the process to exit; kill it if it hasn't within `ms`. */
  async close(ms = 3000): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.cancelRestart?.();
    const handle = this.handle;
    if (!handle) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        handle.kill();
        resolve();
      }, ms);
      handle.onExit(() => {
        clearTimeout(timer);
        resolve();
      });
      handle.send({ type: 'shutdown' });
    });
  }
}
