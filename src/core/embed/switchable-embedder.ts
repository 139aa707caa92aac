/**
 * The embedder the running engine holds (search, indexing, question banks): one object whose model can
 * be changed in place, so a change of model reaches every user at the same instant without restarting
 * the service. Each call goes to the model current when it is made; callers that must not mix models
 * compare `modelId` before and after (search, the indexer).
 */
import type { EncodeOptions, Embedder, TokenCounter } from './types';
import type { VariantFallback } from './fallback-notice';
import { onCpu, type DeviceInUse } from './device';

export class SwitchableEmbedder implements Embedder {
  constructor(
    private current: Embedder,
    private counter: TokenCounter,
  ) {}

  /** The embedder calls go to now. */
  get model(): Embedder {
    return this.current;
  }

  get modelId(): string {
    return this.current.modelId;
  }

  get dimension(): number {
    return this.current.dimension;
  }

  get maxSeqLength(): number {
    return this.current.maxSeqLength;
  }

  get similarity(): Embedder['similarity'] {
    return this.current.similarity;
  }

  /** The weights loaded ("exact", "int8"…), when the engine says. */
  get variant(): string | undefined {
    return (this.current as { variant?: string }).variant;
  }

  /** Set when the current model's chosen weights were refused and its exact ones are used instead. */
  get fallback(): VariantFallback | null {
    return (this.current as { fallback?: VariantFallback | null }).fallback ?? null;
  }

  /** Where the current model runs (CPU, or a GPU provider) and why a GPU asked for is not used. */
  get device(): DeviceInUse {
    return (this.current as { device?: DeviceInUse }).device ?? onCpu();
  }

  warmup(): Promise<void> {
    return this.current.warmup?.() ?? Promise.resolve();
  }

  /** Counts word pieces with the current model's tokenizer (the chunker cuts passages for it). */
  readonly tokenCounter: TokenCounter = {
    count: (text) => this.counter.count(text),
    countedIds: (text) => this.counter.countedIds?.(text),
  };

  /** Re-ranker scores from where the current model runs (Embedder.scorePairs). */
  scorePairs(modelDir: string, query: string, passages: string[]): Promise<Float32Array> {
    const model = this.current;
    if (!model.scorePairs) return Promise.reject(new Error('this embedder cannot run a re-ranker'));
    return model.scorePairs(modelDir, query, passages);
  }

  /** Calls still running per embedder: the previous one is closed only once its calls are answered. */
  private readonly running = new Map<Embedder, { calls: number; idle: Array<() => void> }>();

  async encode(texts: string[], options?: EncodeOptions): Promise<Float32Array[]> {
    const model = this.current;
    const entry = this.running.get(model) ?? { calls: 0, idle: [] };
    this.running.set(model, entry);
    entry.calls++;
    try {
      return await model.encode(texts, options);
    } finally {
      if (--entry.calls === 0) {
        this.running.delete(model);
        for (const wake of entry.idle.splice(0)) wake();
      }
    }
  }

  /** Resolves when no call to `model` made through this object is running (e.g. before closing a model swapped out). */
  drained(model: Embedder): Promise<void> {
    const entry = this.running.get(model);
    return entry ? new Promise((r) => entry.idle.push(r)) : Promise.resolve();
  }

  /** Use `next` from now on; returns the previous embedder, which the caller closes when its calls are done. */
  swap(next: Embedder, counter: TokenCounter): Embedder {
    const previous = this.current;
    this.current = next;
    this.counter = counter;
    return previous;
  }

  close(): Promise<void> {
    return this.current.close();
  }
}
