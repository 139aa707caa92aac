/**
 * The embedding process on the calling side: batching of large calls, progress and cancellation, on
 * top of the supervisor every Trove process uses (core/process/supervisor.ts: start, request ids,
 * restart after a crash with the in-flight requests resent, and a timed shutdown).
 */
import { entryScript, nodeChildLauncher as nodeProcessLauncher } from '../process/node-child';
import { ProcessCrashedError, type Incoming } from '../process/supervised-process';
import { Supervisor } from '../process/supervisor';
import { defaultModelDir, type ModelVariant } from './model-files';
import type { ModelSummary, WorkerLauncher, WorkerRequest, WorkerResponse } from './protocol';
import type { EncodeOptions, Embedder, SimilarityFunction } from './types';
import type { VariantFallback } from './fallback-notice';
import { onCpu, type Device, type DeviceInUse } from './device';

export interface EmbedderProcessOptions {
  modelDir?: string;
  variant?: ModelVariant;
  threads?: number;
  /** Where the model runs: 'cpu' (default), or a GPU when one loads and passes the model's check. */
  device?: Device;
  /** onnxruntime's threads spin between operators (EngineOptions.spin; benchmarks compare both). */
  spin?: boolean;
  /** How to start the process (default: a Node child process running src/worker/embed-worker). */
  launch?: WorkerLauncher;
  /** Texts per message to the process; a larger call is split so memory and messages stay bounded. */
  textsPerRequest?: number;
  /** Attempts per request across crashes before it is failed (default 2). */
  maxAttempts?: number;
}

/** The embedding process died while working on a request more often than allowed, or could not start. */
export { ProcessCrashedError as EmbedderCrashedError };

/** A Node child process running the worker entry: TypeScript through tsx from source, or the built JS. */
export function nodeChildLauncher(): WorkerLauncher {
  return nodeProcessLauncher(entryScript('../../worker/embed-worker.ts', 'embed-worker.js', import.meta.url));
}

function read(msg: WorkerResponse): Incoming {
  if (msg.type === 'ready') return { kind: 'ready' };
  if (msg.type === 'init-failed') return { kind: 'init-failed', message: msg.message };
  return { kind: 'reply', id: msg.id, final: msg.type !== 'progress' };
}

export class EmbedderProcess implements Embedder {
  modelId = '';
  dimension = 0;
  maxSeqLength = 0;
  variant: ModelVariant = 'fp32';
  similarity: SimilarityFunction = 'cosine';
  /** Set when the weights asked for were refused and the exact ones are used instead. */
  fallback: VariantFallback | null = null;
  /** Where the model runs, as the process said when it started. */
  device: DeviceInUse = onCpu();
  private supervisor!: Supervisor<WorkerRequest, WorkerResponse>;

  private constructor(private readonly options: EmbedderProcessOptions) {}

  /**
   * Start the process and read the model's manifest there; the weights load on first use. A process that
   * dies before it is ready is restarted with backoff, like one that dies later; only one that keeps
   * dying while starting, or refuses the model, is an error.
   */
  static async start(options: EmbedderProcessOptions = {}): Promise<EmbedderProcess> {
    const p = new EmbedderProcess(options);
    p.supervisor = await Supervisor.start<WorkerRequest, WorkerResponse>({
      name: 'the embedding process',
      launch: options.launch ?? nodeChildLauncher(),
      init: { type: 'init', modelDir: options.modelDir ?? defaultModelDir(), variant: options.variant, threads: options.threads, device: options.device, spin: options.spin },
      shutdown: { type: 'shutdown' },
      read,
      onReady: (msg) => p.describe(msg as ModelSummary),
      // Encoding is a pure computation: a request that was in the process when it died is resent once.
      maxAttempts: options.maxAttempts ?? 2,
    });
    return p;
  }

  /** The model folder and weights this process was started with (for starting it again elsewhere, e.g. on another device). */
  get startedWith(): { modelDir: string; variant?: ModelVariant } {
    return { modelDir: this.options.modelDir ?? defaultModelDir(), variant: this.options.variant };
  }

  /** OS pid of the current embedding process. */
  get pid(): number | undefined {
    return this.supervisor.pid;
  }

  /** Times the process was restarted after dying. */
  get restarts(): number {
    return this.supervisor.restarts;
  }

  private describe(s: ModelSummary): void {
    this.modelId = s.modelId;
    this.dimension = s.dimension;
    this.maxSeqLength = s.maxSeqLength;
    this.variant = s.variant;
    this.similarity = s.similarity;
    this.fallback = s.fallback ?? null;
    this.device = s.device ?? onCpu(this.options.device);
  }

  /** Resolves when the process is up and has read the model's manifest. */
  whenReady(): Promise<void> {
    return this.supervisor.whenReady();
  }

  private async request(
    message: Extract<WorkerRequest, { id: number }>,
    extra: { signal?: AbortSignal; onProgress?: (done: number) => void } = {},
  ): Promise<unknown> {
    const { signal, onProgress } = extra;
    signal?.throwIfAborted();
    const id = message.id;
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        if (!this.supervisor.forget(id)) return;
        this.supervisor.post({ type: 'cancel', id });
        reject(signal!.reason);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      const update = (m: WorkerResponse) => {
        if (m.type === 'progress') onProgress?.(m.done);
      };
      this.supervisor.request(id, message, update).then(
        (reply) => {
          signal?.removeEventListener('abort', onAbort);
          // Aborted while the process was (re)starting: the caller no longer wants the answer.
          if (signal?.aborted) reject(signal.reason);
          else if (reply.type === 'error') reject(new Error(reply.message));
          else resolve(reply.type === 'result' ? reply.vectors : reply.type === 'done' ? reply.value : undefined);
        },
        (err: Error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(err);
        },
      );
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
      const tokenIds = options.tokenIds?.length === texts.length ? options.tokenIds.slice(i, i + per) : undefined;
      const part = this.request(
        { type: 'encode', id: this.supervisor.newId(), texts: slice, batchSize: options.batchSize, priority: options.priority, role: options.role, tokenIds },
        { signal: options.signal, onProgress },
      );
      parts.push(onProgress ? part.then((v) => (onProgress(slice.length), v)) : part);
    }
    return (await Promise.all(parts)).flat() as Float32Array[];
  }

  /** Re-ranker scores (Embedder.scorePairs), served before queued indexing work like a search's query. */
  async scorePairs(modelDir: string, query: string, passages: string[]): Promise<Float32Array> {
    if (passages.length === 0) return new Float32Array(0);
    return (await this.request({ type: 'score', id: this.supervisor.newId(), modelDir, query, passages })) as Float32Array;
  }

  /** Load the weights now instead of on the first encode. */
  async warmup(): Promise<void> {
    await this.request({ type: 'warmup', id: this.supervisor.newId() });
  }

  /** Counters and memory of the embedding process (for benchmarks). */
  async stats(): Promise<{ texts: number; tokenized: number; tokens: number; tokenizeMs: number; modelMs: number; rssBytes: number; peakRssBytes: number }> {
    return (await this.request({ type: 'stats', id: this.supervisor.newId() })) as never;
  }

  /** Ask the process to exit; kill it if it hasn't within `ms`. */
  close(ms = 3000): Promise<void> {
    return this.supervisor.close(ms);
  }
}
