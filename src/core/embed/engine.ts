/**
 * The bi-encoder in this process: tokenize → transformer (onnxruntime-node) → mean pooling → L2
 * normalisation. Like SentenceTransformer.encode, inputs are sorted by length and each batch is padded
 * only to its own longest item; the original order is restored. Never run this in the main process or
 * the renderer: src/worker/embed-worker.ts hosts it in its own process.
 */
import * as ort from 'onnxruntime-node';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { defaultModelDir, readManifest, verifyFiles, type ModelManifest, type ModelVariant } from './model-files';
import { meanPoolNormalized } from './pooling';
import { loadTokenizer, type ModelTokenizer } from './tokenizer';
import type { EncodeOptions, Embedder } from './types';

export interface EngineOptions {
  /** Folder holding manifest.json, tokenizer and onnx/ files (default: the shipped model). */
  modelDir?: string;
  /** Which weights (default: the manifest's default; the shipped model has fp32 only). */
  variant?: ModelVariant;
  /** onnxruntime intra-op threads (default: all cores). */
  threads?: number;
}

export const DEFAULT_BATCH_SIZE = 32;

/** Timing counters, for benchmarks: how long was spent where. */
export interface EngineStats {
  texts: number;
  tokens: number;
  tokenizeMs: number;
  modelMs: number;
}

export class EmbeddingEngine implements Embedder {
  readonly modelId: string;
  readonly dimension: number;
  readonly maxSeqLength: number;
  readonly variant: ModelVariant;
  readonly stats: EngineStats = { texts: 0, tokens: 0, tokenizeMs: 0, modelMs: 0 };
  private loading: Promise<{ session: ort.InferenceSession; tokenizer: ModelTokenizer }> | null = null;

  private constructor(
    private readonly modelDir: string,
    private readonly manifest: ModelManifest,
    variant: ModelVariant | undefined,
    private readonly threads: number,
  ) {
    this.modelId = manifest.id;
    this.dimension = manifest.dimension;
    this.maxSeqLength = manifest.maxSeqLength;
    this.variant = variant ?? manifest.default;
    if (!manifest.variants[this.variant]) {
      throw new Error(`model ${manifest.id} has no "${this.variant}" variant (has: ${Object.keys(manifest.variants).join(', ')})`);
    }
  }

  /** Reads the manifest now; the weights load on first use (or `warmup()`), once. */
  static create(options: EngineOptions = {}): EmbeddingEngine {
    const dir = options.modelDir ?? defaultModelDir();
    return new EmbeddingEngine(dir, readManifest(dir), options.variant, options.threads ?? availableParallelism());
  }

  /** Load the tokenizer and weights now (verifying their sha256) instead of on the first encode. */
  async warmup(): Promise<void> {
    await this.load();
  }

  private load() {
    this.loading ??= (async () => {
      const onnxFile = this.manifest.variants[this.variant]!;
      verifyFiles(this.modelDir, this.manifest, [onnxFile]);
      const tokenizer = await loadTokenizer(this.modelDir);
      const session = await ort.InferenceSession.create(join(this.modelDir, onnxFile), {
        intraOpNumThreads: this.threads,
        interOpNumThreads: 1,
        graphOptimizationLevel: 'all',
        executionMode: 'sequential',
      });
      return { session, tokenizer };
    })();
    // A failed load (damaged file) must not be cached forever: the next call retries and fails the same way.
    this.loading.catch(() => (this.loading = null));
    return this.loading;
  }

  /** Token ids per text (with [CLS]/[SEP], truncated at maxSeqLength). */
  async tokenize(texts: string[]): Promise<number[][]> {
    const { tokenizer } = await this.load();
    const t0 = performance.now();
    const ids = texts.map((t) => tokenizer.ids(typeof t === 'string' ? t : String(t ?? '')));
    this.stats.tokenizeMs += performance.now() - t0;
    return ids;
  }

  async encode(texts: string[], options: EncodeOptions = {}): Promise<Float32Array[]> {
    if (!Array.isArray(texts)) throw new TypeError('encode: texts must be an array of strings');
    if (texts.length === 0) return [];
    return this.encodeIds(await this.tokenize(texts), options.batchSize ?? DEFAULT_BATCH_SIZE);
  }

  /** Run the model on already tokenized inputs (sorted by length, each batch padded to its longest). */
  async encodeIds(ids: number[][], batchSize = DEFAULT_BATCH_SIZE): Promise<Float32Array[]> {
    const { session } = await this.load();
    const order = ids.map((_, i) => i).sort((a, b) => ids[b].length - ids[a].length || a - b);
    const out = new Array<Float32Array>(ids.length);
    for (let start = 0; start < order.length; start += batchSize) {
      const idx = order.slice(start, start + batchSize);
      const lengths = idx.map((i) => ids[i].length);
      const seqLen = lengths[0];
      const n = idx.length;
      const inputIds = new BigInt64Array(n * seqLen);
      const mask = new BigInt64Array(n * seqLen);
      for (let b = 0; b < n; b++) {
        const row = ids[idx[b]];
        for (let t = 0; t < row.length; t++) {
          inputIds[b * seqLen + t] = BigInt(row[t]);
          mask[b * seqLen + t] = 1n;
        }
      }
      const dims = [n, seqLen];
      const t0 = performance.now();
      const result = await session.run({
        input_ids: new ort.Tensor('int64', inputIds, dims),
        attention_mask: new ort.Tensor('int64', mask, dims),
        token_type_ids: new ort.Tensor('int64', new BigInt64Array(n * seqLen), dims),
      });
      this.stats.modelMs += performance.now() - t0;
      const hidden = result.last_hidden_state;
      const vectors = meanPoolNormalized(hidden.data as Float32Array, n, seqLen, this.dimension, lengths);
      hidden.dispose?.();
      for (let b = 0; b < n; b++) out[idx[b]] = vectors[b];
      this.stats.texts += n;
      this.stats.tokens += lengths.reduce((a, c) => a + c, 0);
    }
    return out;
  }

  async close(): Promise<void> {
    const loading = this.loading;
    this.loading = null;
    if (loading) await (await loading.catch(() => null))?.session.release();
  }
}
