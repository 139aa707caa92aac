/**
 * The messages between the calling side (EmbedderProcess) and the embedding process
 * (src/worker/embed-worker.ts). Sent with structured clone, so Float32Arrays cross as typed arrays.
 */
import type { ProcessHandle, ProcessLauncher } from '../process/process-handle';
import type { ModelVariant } from './model-files';
import type { VariantFallback } from './fallback-notice';
import type { EncodePriority, EncodeRole, SimilarityFunction } from './types';
import type { Device, DeviceInUse } from '../../shared/types';

export type WorkerRequest =
  | { type: 'init'; modelDir: string; variant?: ModelVariant; threads?: number; device?: Device; spin?: boolean }
  | {
      type: 'encode';
      id: number;
      texts: string[];
      batchSize?: number;
      priority?: EncodePriority;
      role?: EncodeRole;
      /** Token ids per text where the caller has them (EncodeOptions.tokenIds). */
      tokenIds?: Array<number[] | undefined>;
    }
  | { type: 'warmup'; id: number }
  /** Re-rank: one score per passage for the query, by the cross-encoder in `modelDir` (answered with 'done', value a Float32Array). */
  | { type: 'score'; id: number; modelDir: string; query: string; passages: string[] }
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
  /** The weights asked for were refused on load and the exact ones are used instead; null when not. */
  fallback: VariantFallback | null;
  /** Where the model runs (known at start when a GPU was asked for: the weights are loaded then). */
  device: DeviceInUse;
}

export type WorkerResponse =
  | ({ type: 'ready' } & ModelSummary)
  | { type: 'init-failed'; message: string }
  | { type: 'result'; id: number; vectors: Float32Array[] }
  | { type: 'done'; id: number; value?: unknown }
  /** Texts of an encode request done so far (sent after each model batch). */
  | { type: 'progress'; id: number; done: number }
  | { type: 'error'; id: number; message: string };

/** The embedding process's ends, in the one process-handle shape every supervised process uses. */
export type WorkerHandle = ProcessHandle<WorkerRequest, WorkerResponse>;

/** Starts one embedding process: a Node child process here and under the engine process. */
export type WorkerLauncher = ProcessLauncher<WorkerRequest, WorkerResponse>;
