/**
 * The messages between the calling side (EmbedderProcess) and the embedding process
 * (src/worker/embed-worker.ts). Sent with structured clone, so Float32Arrays cross as typed arrays.
 */
import type { ModelVariant } from './model-files';
import type { EncodePriority, EncodeRole, SimilarityFunction } from './types';

export type WorkerRequest =
  | { type: 'init'; modelDir: string; variant?: ModelVariant; threads?: number }
  | { type: 'encode'; id: number; texts: string[]; batchSize?: number; priority?: EncodePriority; role?: EncodeRole }
  | { type: 'warmup'; id: number }
  | { type: 'stats'; id: number }
  /** Drop an encode request: its caller no longer wants the vectors. */
  | { type: 'cancel'; id: number }
  | { type: 'shutdown' };

export interface ModelSummary {
  modelId: string;
  dimension: number;
  maxSeqLength: number;
  variant: ModelVariant;
  similarity: SimilarityFunction;
}

export type WorkerResponse =
  | ({ type: 'ready' } & ModelSummary)
  | { type: 'init-failed'; message: string }
  | { type: 'result'; id: number; vectors: Float32Array[] }
  | { type: 'done'; id: number; value?: unknown }
  /** Texts of an encode request done so far (sent after each model batch). */
  | { type: 'progress'; id: number; done: number }
  | { type: 'error'; id: number; message: string };

/** The two ends a process transport offers; Node child processes and Electron utility processes both fit. */
export interface WorkerHandle {
  /** Send a message to the process. */
  send(message: WorkerRequest): void;
  /** Called for each message from the process. */
  onMessage(listener: (message: WorkerResponse) => void): void;
  /** Called once when the process exits, for whatever reason. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  /** Kill the process now. */
  kill(): void;
  /** OS process id, for diagnostics. */
  readonly pid: number | undefined;
}

/** Starts one embedding process. The app passes one that forks an Electron utility process. */
export type WorkerLauncher = () => WorkerHandle;
