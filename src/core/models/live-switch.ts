/**
 * Changing the model of the running engine without a restart. The new model embeds every stored
 * passage and every bank question into its own vectors, beside the ones in use, while the old model
 * keeps answering searches and questions and keeps indexing new files. When nothing is missing, one
 * synchronous step changes everything over: the corpus's set (files, in-memory index), the embedder
 * that searches, indexing and the banks call, and the banks' vectors. No search or lookup can see half
 * of each model: JavaScript runs that step to its end before any other callback.
 *
 * Files indexed by the old model meanwhile lack the new vectors; the loop embeds them before changing
 * over. A batch the indexer embedded with the old model and had not yet written when the change-over
 * happened is cut and embedded again (indexer.ts), so the index never mixes the two.
 */
import type { Corpus } from '../corpus/corpus';
import { ReembedCancelled, setKeyOf } from '../corpus/reembed';
import type { SwitchableEmbedder } from '../embed/switchable-embedder';
import type { Embedder, TokenCounter } from '../embed/types';
import type { BankModelSwitch } from '../questions/bank-indexes';
import type { ModelSwitch } from '../../shared/models';

/** The running engine's parts that follow a change of model. */
export interface LiveEngine {
  /** The embedder every part of the engine calls. */
  engine: SwitchableEmbedder;
  corpus: Corpus;
  banks?: BankModelSwitch;
  /** Loads the word-piece counter of a model folder (the chunker cuts new files for the new model). */
  tokenCounter: (dir: string) => Promise<TokenCounter>;
  /** Called right after the change-over (the service tells windows their results changed). */
  onChanged?: () => void;
}

/** The progress fields of the API's ModelSwitch, as this module reports them. */
export type LiveSwitchProgress = Pick<ModelSwitch, 'stage' | 'done' | 'total' | 'embedded' | 'passagesPerSecond' | 'etaSeconds'>;

/**
 * Embed what `next` lacks, then change the engine over to it. Resolves with the previous embedder once
 * the change-over is done (the caller closes it); rejects with ReembedCancelled when `signal` aborts
 * (the engine is untouched and what was embedded is kept for the next try).
 */
export async function switchLive(
  live: LiveEngine,
  next: { embedder: Embedder; tokenCounter: TokenCounter },
  options: { signal?: AbortSignal; batch?: number; onProgress?: (p: LiveSwitchProgress) => void } = {},
): Promise<Embedder> {
  const { corpus, banks, engine } = live;
  const key = setKeyOf(next.embedder);
  let before = 0;
  for (;;) {
    const passages = await corpus.embedMissing(next.embedder, {
      batch: options.batch,
      signal: options.signal,
      onProgress: (p) => options.onProgress?.({ stage: 'passages', ...p, embedded: before + p.embedded }),
    });
    before += passages.embedded;
    if (banks) {
      const t0 = performance.now();
      before += await banks.embedMissing(next.embedder, {
        signal: options.signal,
        onProgress: (done, total, embedded) => {
          const rate = embedded / Math.max(1e-3, (performance.now() - t0) / 1000);
          options.onProgress?.({ stage: 'questions', done, total, embedded: before + embedded, passagesPerSecond: rate, etaSeconds: rate > 0 ? (total - done) / rate : null });
        },
      });
    }
    if (options.signal?.aborted) throw new ReembedCancelled();
    // From here to the return, nothing awaits: no search, lookup or indexing batch runs in between.
    if (banks && !banks.ready(key.modelId)) continue;
    if (!corpus.changeOver(key)) continue; // a file was indexed by the old model since the last batch
    const previous = engine.swap(next.embedder, next.tokenCounter);
    banks?.changeOver(key.modelId);
    live.onChanged?.();
    return previous;
  }
}
