/**
 * Duplicate questions with the semantics of sentence-transformers' util.paraphrase_mining_embeddings:
 * for each row the top_k + 1 most similar rows of each corpus chunk (itself included), pairs (i, j)
 * with i ≠ j fed through a min-priority-queue capped at max_pairs (`num_added > max_pairs` pops, as in
 * sentence_transformers/util/retrieval.py), deduplicated as (min, max) keeping
 * the first popped (lowest) score, sorted by score descending.
 */
import { exactScores } from '../vectors/exact-scores';
import { ScoreHeap, TopK } from '../vectors/top-k';
import { neighboursAbove, type Neighbours } from './neighbours-above';
import type { VectorKernels } from './vector-kernels';

/** [score, i, j] with i < j, as util.paraphrase_mining returns. */
export type MinedPair = [score: number, i: number, j: number];

export interface ParaphraseMiningOptions {
  queryChunkSize?: number;
  corpusChunkSize?: number;
  maxPairs?: number;
  topK?: number;
}

const DEFAULTS = { queryChunkSize: 5000, corpusChunkSize: 100000, maxPairs: 500000, topK: 100 };

/** Ordered like Python tuples (score, i, j). */
function less(s1: number, i1: number, j1: number, s2: number, i2: number, j2: number): boolean {
  return s1 < s2 || (s1 === s2 && (i1 < i2 || (i1 === i2 && j1 < j2)));
}

/** The tail of util.paraphrase_mining_embeddings: pop ascending, dedupe (min, max), sort descending. */
function drain(heap: ScoreHeap): MinedPair[] {
  const seen = new Set<number>();
  const out: MinedPair[] = [];
  while (heap.size > 0) {
    const [s, i, j] = heap.pop();
    const a = Math.min(i, j);
    const b = Math.max(i, j);
    const key = a * 2 ** 26 + b;
    if (a !== b && !seen.has(key)) {
      seen.add(key);
      out.push([s, a, b]);
    }
  }
  // Array.prototype.sort is stable, as Python's sorted(reverse=True) is for equal keys.
  return out.sort((x, y) => y[0] - x[0]);
}

/**
 * util.paraphrase_mining_embeddings, step by step: for each corpus chunk, each row's top_k + 1
 * (the engine's one top-k over exact scores), the capped priority queue. Kept as the reference the
 * app's path (paraphraseMiningAbove) is checked against; `queryChunkSize` is accepted for ST's
 * signature, and the per-row top-k does not depend on it.
 */
export async function paraphraseMiningEmbeddings(kernels: { dimension: number }, matrix: Float32Array, options: ParaphraseMiningOptions = {}): Promise<MinedPair[]> {
  const { corpusChunkSize, maxPairs } = { ...DEFAULTS, ...options };
  const topK = (options.topK ?? DEFAULTS.topK) + 1;
  const d = kernels.dimension;
  const n = matrix.length / d;
  const heap = new ScoreHeap(Math.min(maxPairs, 1 << 16), 'lower-ids');
  let minScore = -1;
  let added = 0;
  for (let c0 = 0; c0 < n; c0 += corpusChunkSize) {
    const corpus = matrix.subarray(c0 * d, Math.min(n, c0 + corpusChunkSize) * d);
    const k = Math.min(topK, corpus.length / d);
    for (let i = 0; i < n; i++) {
      const best = new TopK(k);
      exactScores(matrix.subarray(i * d, (i + 1) * d), corpus).forEach((s, j) => best.push(s, j));
      for (const { corpusId, score: s } of best.result()) {
        const j = c0 + corpusId;
        if (i !== j && s > minScore) {
          heap.push(s, i, j);
          added++;
          if (added > maxPairs) minScore = heap.pop()[0];
        }
      }
    }
  }
  return drain(heap);
}

/**
 * The pairs of util.paraphrase_mining_embeddings whose score is ≥ threshold, computed from the
 * neighbours above the threshold instead of a full top-k per row: a row's entries above the threshold
 * are exactly the head of its top-k list, so taking the first top_k + 1 of them per corpus chunk gives
 * the same pairs. Memory is bounded by the pairs above the threshold, not N².
 */
export async function paraphraseMiningAbove(
  kernels: VectorKernels,
  matrix: Float32Array,
  threshold: number,
  options: ParaphraseMiningOptions & { onProgress?: (done: number, total: number) => void } = {},
): Promise<MinedPair[]> {
  const nb = await neighboursAbove(kernels, matrix, threshold, { onProgress: options.onProgress });
  return pairsFromNeighbours(nb, options);
}

export function pairsFromNeighbours(nb: Neighbours, options: ParaphraseMiningOptions = {}): MinedPair[] {
  const { corpusChunkSize, maxPairs } = { ...DEFAULTS, ...options };
  const keep = (options.topK ?? DEFAULTS.topK) + 1;
  const n = nb.n;
  const entries: MinedPair[] = [];
  // How many entries util.paraphrase_mining would have pushed in total (all scores), for the max_pairs cap.
  let added = 0;
  for (let i = 0; i < n; i++) {
    const a = nb.offsets[i];
    const b = nb.offsets[i + 1];
    for (let c0 = 0; c0 < n; c0 += corpusChunkSize) {
      const c1 = Math.min(n, c0 + corpusChunkSize);
      let taken = 0;
      let selfTaken = false;
      for (let x = a; x < b && taken < keep; x++) {
        const j = nb.cols[x];
        if (j < c0 || j >= c1) continue;
        taken++;
        if (j === i) selfTaken = true;
        else if (nb.scores[x] > -1) entries.push([nb.scores[x], i, j]);
      }
      const selfInChunk = i >= c0 && i < c1;
      // Self sits at the top of its own row unless k+1 others tie or beat it (then it was taken above or not at all).
      const selfInTop = selfTaken || (selfInChunk && taken < keep);
      added += Math.min(keep, c1 - c0) - (selfInChunk && selfInTop ? 1 : 0);
    }
  }
  entries.sort((x, y) => y[0] - x[0] || y[1] - x[1] || y[2] - x[2]);
  // Past max_pairs entries, each push pops the smallest: the largest max_pairs remain.
  if (added > maxPairs) entries.length = Math.min(entries.length, maxPairs);
  const best = new Map<number, MinedPair>();
  for (const [s, i, j] of entries) {
    const lo = Math.min(i, j);
    const hi = Math.max(i, j);
    const key = lo * 2 ** 26 + hi;
    const prev = best.get(key);
    // Popped in ascending (score, i, j) order, the first of the two directions wins.
    if (!prev || less(s, i, j, prev[0], prev[1], prev[2])) best.set(key, [s, i, j]);
  }
  return [...best.values()]
    .sort((x, y) => x[0] - y[0] || x[1] - y[1] || x[2] - y[2])
    .map(([s, i, j]): MinedPair => [s, Math.min(i, j), Math.max(i, j)])
    .sort((x, y) => y[0] - x[0]);
}
