/**
 * Move an index to another model without reading a single file again: every stored passage text is
 * embedded by the new model into that model's own embedding set, beside the vectors in use.
 *
 * Each batch is one transaction, so a kill -9 loses at most the batch in flight and the next run
 * continues where it stopped (it embeds only the passages still without a vector of the new set).
 * Nothing the index searches changes until every passage has its new vector: until then the old
 * model's vectors keep answering. The change-over (every file to the new set) is one transaction, and
 * the old set stays stored: switching back to it embeds nothing while it is still complete.
 *
 * Passages of files indexed by the old model while this runs are found by the next look for missing
 * vectors; the run ends only when none is missing, so the set it hands over is never partial.
 */
import { PIPELINE_VERSION } from '../pipeline';
import { IndexStore } from '../store/index-store';
import { takeLegacyStaging } from '../store/legacy-staging';
import type { Embedder } from '../embed/types';
import type { EmbeddingSetKey } from './corpus';

export interface ReembedProgress {
  /** Passages with a vector from the new model (including those from an interrupted run). */
  done: number;
  total: number;
  /** Passages this run embedded so far (0 throughout for a model whose vectors were complete). */
  embedded: number;
  passagesPerSecond: number;
  etaSeconds: number | null;
}

export interface ReembedResult {
  /** The index's model before and after. */
  from: string[];
  to: string;
  /** Passages embedded by this run, and those found already embedded (an interrupted run, or a model used before). */
  embedded: number;
  resumed: number;
  /** Files that changed over. */
  files: number;
}

export interface ReembedOptions {
  /** Passages per model call and per transaction (default 64). */
  batch?: number;
  signal?: AbortSignal;
  onProgress?: (p: ReembedProgress) => void;
}

/** Thrown when a change of model is cancelled: what was embedded is kept, the next run continues. */
export class ReembedCancelled extends Error {
  override name = 'ReembedCancelled';
  constructor() {
    super('re-embedding cancelled; what was done is kept and the next run continues');
  }
}

export const setKeyOf = (embedder: Embedder): EmbeddingSetKey => ({ modelId: embedder.modelId, dimension: embedder.dimension, pipelineVersion: PIPELINE_VERSION });

/**
 * Give every passage of every indexed file a vector of `embedder`'s set, in batches; resolves when none
 * is missing. Does not change what the index searches (see `VectorSets.use` / `Corpus.changeOver`).
 */
export async function embedMissing(store: IndexStore, embedder: Embedder, options: ReembedOptions = {}): Promise<{ setId: number; embedded: number; resumed: number }> {
  const key = setKeyOf(embedder);
  const setId = store.sets.embeddingSet(key.modelId, key.dimension, key.pipelineVersion);
  takeLegacyStaging(store.db.name, setId, (rows) => store.sets.add(setId, rows));
  const countDone = () => store.counts.vectorsOf(setId);
  const passages = () => store.counts.indexedPassages();
  const resumed = countDone();
  const batch = options.batch ?? 64;
  const t0 = performance.now();
  let embedded = 0;
  let lastDone = -1;
  for (;;) {
    // A page at a time from the start: files indexed meanwhile (by the old model) are picked up by the next page.
    let after = 0;
    let found = 0;
    for (;;) {
      const page = store.sets.passagesWithout(setId, after, batch);
      if (page.length === 0) break;
      if (options.signal?.aborted) throw new ReembedCancelled();
      found += page.length;
      after = page.at(-1)!.id;
      const vectors = await embedder.encode(
        page.map((c) => c.text),
        { role: 'passage', signal: options.signal },
      ).catch((err: unknown) => {
        throw options.signal?.aborted ? new ReembedCancelled() : err;
      });
      if (vectors.some((v) => v.length !== key.dimension)) {
        throw new Error(`dimension mismatch: ${key.modelId} says ${key.dimension} dimensions but gave ${vectors.find((v) => v.length !== key.dimension)!.length}`);
      }
      embedded += store.sets.add(setId, page.map((c, k) => ({ chunkId: c.id, vector: vectors[k] })));
      const rate = embedded / ((performance.now() - t0) / 1000);
      const total = passages();
      const done = Math.min(total, countDone());
      lastDone = done;
      options.onProgress?.({ done, total, embedded, passagesPerSecond: rate, etaSeconds: rate > 0 ? (total - done) / rate : null });
    }
    if (found === 0) break;
  }
  // Said once more only when the last batch did not already report the end (nothing was missing, or files came in meanwhile).
  const total = passages();
  if (lastDone !== total) options.onProgress?.({ done: total, total, embedded, passagesPerSecond: embedded / Math.max(1e-3, (performance.now() - t0) / 1000), etaSeconds: 0 });
  return { setId, embedded, resumed };
}

/** Move the index in `dbPath` to `embedder`'s model (the CLI's `models use --db`; the index is not open elsewhere). */
export async function reembedIndex(dbPath: string, embedder: Embedder, options: ReembedOptions = {}): Promise<ReembedResult> {
  const store = new IndexStore(dbPath);
  try {
    const target = store.sets.embeddingSet(embedder.modelId, embedder.dimension, PIPELINE_VERSION);
    const from = store.counts.modelsOtherThan(target);
    for (;;) {
      const { embedded, resumed } = await embedMissing(store, embedder, options);
      const files = store.sets.use(target);
      // Null only if a file was indexed between the last batch and here: embed its passages too.
      if (files !== null) return { from, to: embedder.modelId, embedded, resumed, files };
    }
  } finally {
    store.close();
  }
}
