/**
 * The bi-encoder in this process, built from a sentence-transformers folder: tokenize (with the role's
 * prompt, truncated at max_seq_length) → transformer (onnxruntime-node) → the model's pooling → its
 * Normalize (cosine models are always stored normalised, so every score is a dot product). Like
 * SentenceTransformer.encode, inputs are sorted by length and each batch is padded only to its own
 * longest item; the original order is restored. Never run this in the main process or the renderer:
 * src/worker/embed-worker.ts hosts it in its own process.
 */
import * as ort from 'onnxruntime-node';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { defaultModelDir, ModelFileError, verifyFiles, type ModelVariant } from './model-files';
import { checkModel, PUBLISHED_CHECKS } from './model-check';
import { gpuProviders, onCpu, openOnDevice, type Device, type DeviceInUse } from './device';
import { pool } from './pooling';
import { promptFor, readSentenceModel, type SentenceModel } from './sentence-model';
import { dot } from './similarity';
import { LANGUAGE_MEANS_FILE, LanguageBalance } from './language-balance';
import { loadTokenizer, type ModelTokenizer } from './tokenizer';
import type { EncodeOptions, EncodeRole, Embedder, SimilarityFunction } from './types';

export interface EngineOptions {
  /** A sentence-transformers folder with an ONNX graph (default: the shipped model). */
  modelDir?: string;
  /** Which weights (default: the manifest's default); "exact" is fp32. */
  variant?: ModelVariant;
  /** onnxruntime intra-op threads (default: all cores). */
  threads?: number;
  /** Skip the fixed-pairs check on load (only the check itself uses this, to avoid recursion). */
  skipCheck?: boolean;
  /**
   * false: leave out the folder's language balance (language_means.json) and give the model's raw
   * vectors, as sentence-transformers makes them (golden fixtures, the model's own checks).
   */
  languageBalance?: boolean;
  /** Where to run: 'cpu' (default), or a graphics processor when one loads and passes the check (device.ts). */
  device?: Device;
  /** The providers tried before the CPU (default: gpuProviders(device) for this OS). */
  providers?: string[];
  /** onnxruntime's intra-op threads spin between operators instead of sleeping (see openModelSession; default SPIN). */
  spin?: boolean;
}

/**
 * Whether the intra-op threads spin-wait between a model call's operators. Sleeping costs a wake-up per
 * parallel operator (hundreds per call); spinning only happens while a call runs (onnxruntime's threads
 * block soon after it ends), so an idle app burns nothing either way.
 */
export const SPIN = false;

export const DEFAULT_BATCH_SIZE = 32;
/**
 * At most this many tokens (texts × their padded length) per model call. 32 texts of 256 tokens made
 * onnxruntime's arena hold ~800 MB and ran slower: `bench:embed --n 400 --model all-MiniLM-L6-v2`,
 * runs interleaved on the idle 2-core machine (2026-12-02): no limit 11.3/11.6 texts/s at 791–821 MB
 * peak RSS; 4,096 tokens 14.9 at 540 MB; 2,048 tokens 17.6/14.8/17.5/15.1 at 387–398 MB; 1,024 tokens
 * 15.0/17.9/18.1 at 325–330 MB. Short texts still go 32 to a call.
 */
export const MAX_BATCH_TOKENS = 1024;

/** Timing counters, for benchmarks: how long was spent where. */
export interface EngineStats {
  texts: number;
  /** Texts this engine tokenised itself (not those whose ids came with them). */
  tokenized: number;
  tokens: number;
  tokenizeMs: number;
  modelMs: number;
}

interface Loaded {
  session: ort.InferenceSession;
  tokenizer: ModelTokenizer;
  /** The graph asks for token_type_ids (BERT does, XLM-R and MPNet exports usually do not). */
  wantsTokenTypes: boolean;
  output: string;
}

export class EmbeddingEngine implements Embedder {
  readonly modelId: string;
  readonly dimension: number;
  readonly maxSeqLength: number;
  readonly variant: ModelVariant;
  readonly similarity: SimilarityFunction;
  readonly stats: EngineStats = { texts: 0, tokenized: 0, tokens: 0, tokenizeMs: 0, modelMs: 0 };
  /** Where the model runs; known once loaded (the CPU until then). */
  device: DeviceInUse;
  private loading: Promise<Loaded> | null = null;

  private constructor(
    /** What the folder says about the model. */
    readonly model: SentenceModel,
    private readonly threads: number,
    private readonly skipCheck: boolean,
    /** Per-language centring for multilingual models that ship means (see language-balance.ts). */
    private readonly balance: LanguageBalance | null,
    private readonly providers: string[],
    setting: Device,
    private readonly spin: boolean,
  ) {
    this.device = onCpu(setting);
    // Balanced vectors are not the raw ones: their own id, so they never share an index.
    this.modelId = balance ? `${model.id}+${balance.tag}` : model.id;
    this.dimension = model.dimension;
    this.maxSeqLength = model.maxSeqLength;
    this.variant = model.variant;
    this.similarity = model.similarity;
  }

  /** Reads the folder's configuration now (refusing what it cannot run); the weights load on first use. */
  static create(options: EngineOptions = {}): EmbeddingEngine {
    const model = readSentenceModel(options.modelDir ?? defaultModelDir(), options.variant);
    const balance = options.languageBalance === false ? null : LanguageBalance.read(model.dir, model.dimension);
    if (balance) verifyFiles(model.dir, model.manifest, [LANGUAGE_MEANS_FILE]);
    const device = options.device ?? 'cpu';
    const providers = options.providers ?? gpuProviders(device);
    // A GPU provider that is not installed is expected, and said once in the notice (device.ts), not
    // also as onnxruntime's own error lines on stderr. Its log level is read when its environment starts.
    if (providers.length) ort.env.logLevel = 'fatal';
    return new EmbeddingEngine(model, options.threads ?? availableParallelism(), options.skipCheck ?? false, balance, providers, device, options.spin ?? SPIN);
  }

  /** Load the tokenizer and weights now (verifying sha256 and the fixed pairs) instead of on the first encode. */
  async warmup(): Promise<void> {
    await this.load();
  }

  private load(): Promise<Loaded> {
    this.loading ??= (async () => {
      const { dir, onnxFile, manifest } = this.model;
      const graph = join(dir, onnxFile);
      verifyFiles(dir, manifest, [onnxFile]);
      const tokenizer = await loadTokenizer(dir);
      const wrap = (session: ort.InferenceSession): Loaded => ({
        session,
        tokenizer,
        wantsTokenTypes: session.inputNames.includes('token_type_ids'),
        output: ['last_hidden_state', 'token_embeddings'].find((n) => session.outputNames.includes(n)) ?? session.outputNames[0],
      });
      const own = manifest?.variantChecks?.[this.variant];
      const checks = own?.checks ?? manifest?.checks ?? PUBLISHED_CHECKS[this.model.baseId] ?? [];
      const sim = this.similarity === 'dot' ? dot : cosineOf;
      // The CPU, or a GPU provider whose vectors pass the same fixed pairs (device.ts): never an index of mixed vectors.
      const opened = await openOnDevice(this.device.setting, {
        providers: this.providers,
        open: async (provider) => wrap(await openModelSession(graph, this.threads, 'model', provider, this.spin)),
        check: async (loaded) => {
          if (this.skipCheck) return;
          await checkModel((texts) => this.run(loaded, texts.map((t) => tokenizer.ids(t)), DEFAULT_BATCH_SIZE, 0), {
            file: graph,
            similarity: sim,
            checks,
            tolerance: own?.tolerance ?? manifest?.checksTolerance ?? 0.02,
          });
          Object.assign(this.stats, { texts: 0, tokenized: 0, tokens: 0, tokenizeMs: 0, modelMs: 0 });
        },
        release: (loaded) => loaded.session.release(),
      });
      this.device = opened.device;
      return opened.session;
    })();
    // A failed load (damaged file) must not be cached forever: the next call retries and fails the same way.
    this.loading.catch(() => (this.loading = null));
    return this.loading;
  }

  /** The prompt a role gets, and how many leading tokens to leave out of the pooling for it. */
  private async prompt(role: EncodeRole | undefined): Promise<{ text: string; skip: number }> {
    const text = promptFor(this.model, role);
    if (!text || this.model.includePrompt) return { text, skip: 0 };
    const { tokenizer } = await this.load();
    // As sentence-transformers: the prompt's tokens with its leading special, without the trailing one.
    return { text, skip: tokenizer.ids(text).length - 1 };
  }

  /**
   * Token ids per text, the role's prompt prepended (with the model's special tokens, truncated at
   * maxSeqLength), and how many leading tokens the pooling skips.
   */
  async tokenize(texts: string[], role?: EncodeRole, given?: Array<number[] | undefined>): Promise<{ ids: number[][]; skip: number }> {
    const { tokenizer } = await this.load();
    const prompt = await this.prompt(role);
    // The chunker's ids of the same texts (TokenCounter.countedIds): the same tokenizer on the same
    // trimmed text, so the same ids; not when a prompt goes first (its pieces and the text's are one encoding).
    const reuse = given && given.length === texts.length && !prompt.text ? given : undefined;
    const t0 = performance.now();
    // sentence-transformers strips each text after the prompt is prepended (Transformer.tokenize): "passage: " + ""
    // must not keep a trailing-space token (it does in Unigram tokenizers such as e5's).
    const ids = texts.map((t, i) => {
      const known = reuse?.[i];
      if (known) return known;
      this.stats.tokenized++;
      return tokenizer.ids((prompt.text + (typeof t === 'string' ? t : String(t ?? ''))).trim());
    });
    this.stats.tokenizeMs += performance.now() - t0;
    return { ids, skip: prompt.skip };
  }

  async encode(texts: string[], options: EncodeOptions = {}): Promise<Float32Array[]> {
    if (!Array.isArray(texts)) throw new TypeError('encode: texts must be an array of strings');
    if (texts.length === 0) return [];
    const { ids, skip } = await this.tokenize(texts, options.role, options.tokenIds);
    return this.finish(texts, await this.encodeIds(ids, options.batchSize ?? DEFAULT_BATCH_SIZE, skip), options.role);
  }

  /** The last step after the model (for callers that ran encodeIds themselves): the language balance, if any. */
  finish(texts: string[], vectors: Float32Array[], role: EncodeRole | undefined): Float32Array[] {
    return this.balance ? this.balance.apply(texts, vectors, role) : vectors;
  }

  /** Run the model on already tokenized inputs (sorted by length, each batch padded to its longest). */
  /**
   * `maxBatchTokens` only for comparisons with another runtime batching differently (int8 graphs
   * quantise activations with one scale per batch, so a text's vector depends on its batch-mates).
   */
  async encodeIds(ids: number[][], batchSize = DEFAULT_BATCH_SIZE, skip = 0, maxBatchTokens = MAX_BATCH_TOKENS): Promise<Float32Array[]> {
    return this.run(await this.load(), ids, batchSize, skip, maxBatchTokens);
  }

  private async run(loaded: Loaded, ids: number[][], batchSize: number, skip: number, maxBatchTokens = MAX_BATCH_TOKENS): Promise<Float32Array[]> {
    const { session, tokenizer, wantsTokenTypes, output } = loaded;
    const padId = BigInt(tokenizer.padId);
    const order = longestFirst(ids);
    const out = new Array<Float32Array>(ids.length);
    for (let start = 0; start < order.length; ) {
      const take = textsPerCall(ids[order[start]].length, batchSize, maxBatchTokens);
      const idx = order.slice(start, start + take);
      start += take;
      const lengths = idx.map((i) => ids[i].length);
      const seqLen = lengths[0];
      const n = idx.length;
      const inputIds = new BigInt64Array(n * seqLen).fill(padId);
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
      const feeds: Record<string, ort.Tensor> = {
        input_ids: new ort.Tensor('int64', inputIds, dims),
        attention_mask: new ort.Tensor('int64', mask, dims),
      };
      if (wantsTokenTypes) feeds.token_type_ids = new ort.Tensor('int64', new BigInt64Array(n * seqLen), dims);
      const result = await session.run(feeds);
      this.stats.modelMs += performance.now() - t0;
      const hidden = result[output];
      const dim = hidden.dims.at(-1);
      if (hidden.dims.length !== 3 || dim !== this.dimension) {
        const graph = join(this.model.dir, this.model.onnxFile);
        throw new ModelFileError(
          `dimension mismatch: ${graph} gives "${output}" of shape [${hidden.dims.join(', ')}], the pooling config says ${this.dimension}`,
          graph,
        );
      }
      const vectors = pool(hidden.data as Float32Array, n, seqLen, dim, lengths, {
        mode: this.model.pooling,
        // Cosine models are stored normalised so that every score in Trove is one dot product.
        normalize: this.model.normalize || this.similarity === 'cosine',
        skip: skip ? new Array<number>(n).fill(skip) : undefined,
      });
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

/**
 * How many texts go into one model call whose longest text has `longest` tokens: at most `batchSize`,
 * and at most `maxBatchTokens` tokens once padded (longest first, a batch of long texts holds fewer).
 */
export function textsPerCall(longest: number, batchSize = DEFAULT_BATCH_SIZE, maxBatchTokens = MAX_BATCH_TOKENS): number {
  return Math.max(1, Math.min(batchSize, Math.floor(maxBatchTokens / Math.max(1, longest))));
}

/**
 * An onnxruntime session on a transformer graph (the bi-encoder's, or a re-ranker's: `what` names it in
 * messages), refused with the file named when it does not load or lacks input_ids / attention_mask.
 */
export async function openModelSession(graph: string, threads: number, what: string, provider = 'cpu', spin = SPIN): Promise<ort.InferenceSession> {
  let session: ort.InferenceSession;
  const gpu = provider !== 'cpu';
  try {
    session = await ort.InferenceSession.create(graph, {
      // A GPU provider runs what it supports; the CPU the rest of the graph.
      executionProviders: gpu ? [provider, 'cpu'] : ['cpu'],
      intraOpNumThreads: threads,
      interOpNumThreads: 1,
      graphOptimizationLevel: 'all',
      executionMode: 'sequential',
      // Idle intra-op threads sleep instead of spinning: on a machine busy with other work (a
      // desktop app indexing in the background) spinning threads burn the cores others need.
      extra: { session: { intra_op: { allow_spinning: spin ? '1' : '0' } } },
    });
  } catch (err) {
    const reason = (err as Error).message.split('\n')[0];
    // On a GPU provider the provider is what failed, not the file: device.ts falls back to the CPU.
    if (gpu) throw new Error(reason);
    throw new ModelFileError(`the ${what} graph fails to load: ${graph} (${reason})`, graph);
  }
  for (const name of ['input_ids', 'attention_mask']) {
    if (!session.inputNames.includes(name)) {
      await session.release();
      throw new ModelFileError(`the ${what} graph ${graph} has no "${name}" input (has: ${session.inputNames.join(', ')})`, graph);
    }
  }
  return session;
}

/**
 * Positions of `inputs` longest first (equal lengths in their own order), as SentenceTransformer.encode
 * sorts before batching: each batch is padded only to its own longest, and the caller puts the
 * vectors back in the inputs' order.
 */
export function longestFirst(inputs: ReadonlyArray<{ length: number }>): number[] {
  return inputs.map((_, i) => i).sort((a, b) => inputs[b].length - inputs[a].length || a - b);
}

function cosineOf(a: Float32Array, b: Float32Array): number {
  return dot(a, b) / Math.max(Math.sqrt(dot(a, a) * dot(b, b)), 1e-12);
}
