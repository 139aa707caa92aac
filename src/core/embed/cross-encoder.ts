/**
 * A cross-encoder (re-ranker) in this process: each (query, passage) pair is read by the model as one
 * sequence and given one relevance score — what `CrossEncoder.predict` of sentence-transformers
 * returns: the logit through the model's activation (sigmoid: 0–1). Pairs are sorted by length and
 * batched like the bi-encoder's texts (each batch padded to its own longest). Runs in the embedding
 * process beside the bi-encoder (src/worker/embed-worker.ts), never in main or the renderer.
 */
import * as ort from 'onnxruntime-node';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { longestFirst, MAX_BATCH_TOKENS, openModelSession } from './engine';
import { readCrossEncoder, type CrossEncoderModel } from './cross-encoder-model';
import { ModelFileError, verifyFiles } from './model-files';
import { loadPairTokenizer, type PairEncoding, type PairTokenizer } from './pair-tokens';

/** Pairs per model call at most (long pairs go fewer to a call: MAX_BATCH_TOKENS). */
const BATCH_SIZE = 32;

interface Loaded {
  session: ort.InferenceSession;
  tokenizer: PairTokenizer;
  wantsTokenTypes: boolean;
  output: string;
}

export class CrossEncoderEngine {
  readonly modelId: string;
  readonly maxSeqLength: number;
  private loading: Promise<Loaded> | null = null;

  private constructor(
    readonly model: CrossEncoderModel,
    private readonly threads: number,
  ) {
    this.modelId = model.id;
    this.maxSeqLength = model.maxSeqLength;
  }

  /** Reads the folder's configuration now (refusing what it cannot run); the weights load on first use. */
  static create(dir: string, threads = availableParallelism()): CrossEncoderEngine {
    return new CrossEncoderEngine(readCrossEncoder(dir), threads);
  }

  warmup(): Promise<void> {
    return this.load().then(() => {});
  }

  private load(): Promise<Loaded> {
    this.loading ??= (async () => {
      const { dir, onnxFile, manifest, maxSeqLength } = this.model;
      const graph = join(dir, onnxFile);
      verifyFiles(dir, manifest, [onnxFile]);
      const tokenizer = loadPairTokenizer(dir, maxSeqLength, manifest);
      const session = await openModelSession(graph, this.threads, 're-ranker');
      const output = session.outputNames.includes('logits') ? 'logits' : session.outputNames[0];
      return { session, tokenizer, wantsTokenTypes: session.inputNames.includes('token_type_ids'), output };
    })();
    this.loading.catch(() => (this.loading = null));
    return this.loading;
  }

  /** One score per passage for `query`, in the passages' order. */
  async score(query: string, passages: string[]): Promise<Float32Array> {
    if (typeof query !== 'string' || !Array.isArray(passages)) throw new TypeError('score: a query string and an array of passages');
    const loaded = await this.load();
    const pairs = passages.map((p) => loaded.tokenizer.encode(query, typeof p === 'string' ? p : String(p ?? '')));
    return this.run(loaded, pairs);
  }

  private async run(loaded: Loaded, pairs: PairEncoding[]): Promise<Float32Array> {
    const { session, tokenizer, wantsTokenTypes, output } = loaded;
    const out = new Float32Array(pairs.length);
    const order = longestFirst(pairs.map((p) => p.ids));
    const padId = BigInt(tokenizer.padId);
    for (let start = 0; start < order.length; ) {
      const take = Math.max(1, Math.min(BATCH_SIZE, Math.floor(MAX_BATCH_TOKENS / Math.max(1, pairs[order[start]].ids.length))));
      const idx = order.slice(start, start + take);
      start += take;
      const seqLen = pairs[idx[0]].ids.length;
      const n = idx.length;
      const ids = new BigInt64Array(n * seqLen).fill(padId);
      const mask = new BigInt64Array(n * seqLen);
      const types = new BigInt64Array(n * seqLen);
      idx.forEach((p, b) => {
        const { ids: row, typeIds } = pairs[p];
        for (let t = 0; t < row.length; t++) {
          ids[b * seqLen + t] = BigInt(row[t]);
          mask[b * seqLen + t] = 1n;
          types[b * seqLen + t] = BigInt(typeIds[t]);
        }
      });
      const dims = [n, seqLen];
      const feeds: Record<string, ort.Tensor> = { input_ids: new ort.Tensor('int64', ids, dims), attention_mask: new ort.Tensor('int64', mask, dims) };
      if (wantsTokenTypes) feeds.token_type_ids = new ort.Tensor('int64', types, dims);
      const result = await session.run(feeds);
      const logits = result[output];
      const labels = logits.dims.at(-1) ?? 1;
      if (logits.dims[0] !== n || labels !== 1) {
        const graph = join(this.model.dir, this.model.onnxFile);
        throw new ModelFileError(`the re-ranker graph ${graph} gives "${output}" of shape [${logits.dims.join(', ')}], expected [${n}, 1]`, graph);
      }
      const data = logits.data as Float32Array;
      idx.forEach((p, b) => (out[p] = this.model.activation === 'sigmoid' ? 1 / (1 + Math.exp(-data[b])) : data[b]));
      logits.dispose?.();
    }
    return out;
  }

  async close(): Promise<void> {
    const loading = this.loading;
    this.loading = null;
    if (loading) await (await loading.catch(() => null))?.session.release();
  }
}
