/**
 * Duplicate questions with the semantics of sentence-transformers' util.paraphrase_mining_embeddings:
 * for each row the top_k + 1 most similar rows of each corpus chunk (itself included), pairs (i, j)
 * with i ≠ j fed through a min-priority-queue capped at max_pairs (`num_added > max_pairs` pops, as in
 * sentence_transformers/util/retrieval.py), deduplicated as (min, max) keeping
 * the first popped (lowest) score, sorted by score descending.
 */
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

/** Python's queue.PriorityQueue of (score, i, j) tuples, in typed arrays. */
class TupleHeap {
  private s: Float64Array;
  private i: Int32Array;
  private j: Int32Array;
  size = 0;
  constructor(capacity: number) {
    this.s = new Float64Array(Math.max(capacity, 1));
    this.i = new Int32Array(Math.max(capacity, 1));
    this.j = new Int32Array(Math.max(capacity, 1));
  }
  private lt(a: number, b: number): boolean {
    return less(this.s[a], this.i[a], this.j[a], this.s[b], this.i[b], this.j[b]);
  }
  private swap(a: number, b: number): void {
    [this.s[a], this.s[b]] = [this.s[b], this.s[a]];
    [this.i[a], this.i[b]] = [this.i[b], this.i[a]];
    [this.j[a], this.j[b]] = [this.j[b], this.j[a]];
  }
  put(s: number, i: number, j: number): void {
    if (this.size === this.s.length) {
      const grow = <T extends Float64Array | Int32Array>(a: T): T => {
        const b = new (a.constructor as new (n: number) => T)(a.length * 2);
        b.set(a);
        return b;
      };
      this.s = grow(this.s);
      this.i = grow(this.i);
      this.j = grow(this.j);
    }
    let k = this.size++;
    this.s[k] = s;
    this.i[k] = i;
    this.j[k] = j;
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!this.lt(k, p)) break;
      this.swap(k, p);
      k = p;
    }
  }
  get(): MinedPair {
    const top: MinedPair = [this.s[0], this.i[0], this.j[0]];
    const last = --this.size;
    if (last > 0) {
      this.s[0] = this.s[last];
      this.i[0] = this.i[last];
      this.j[0] = this.j[last];
      let k = 0;
      for (;;) {
        const l = 2 * k + 1;
        const r = l + 1;
        let m = k;
        if (l < this.size && this.lt(l, m)) m = l;
        if (r < this.size && this.lt(r, m)) m = r;
        if (m === k) break;
        this.swap(k, m);
        k = m;
      }
    }
    return top;
  }
}

/** The tail of util.paraphrase_mining_embeddings: pop ascending, dedupe (min, max), sort descending. */
function drain(heap: TupleHeap): MinedPair[] {
  const seen = new Set<number>();
  const out: MinedPair[] = [];
  while (heap.size > 0) {
    const [s, i, j] = heap.get();
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
 * util.paraphrase_mining_embeddings, step by step: each query chunk × corpus chunk score block, its
 * per-row top_k + 1 (onnxruntime TopK), the capped priority queue. Memory: one score block of at most
 * ~64M floats (query chunks are split further; the per-row top-k does not depend on that split).
 */
export async function paraphraseMiningEmbeddings(kernels: VectorKernels, matrix: Float32Array, options: ParaphraseMiningOptions = {}): Promise<MinedPair[]> {
  const { queryChunkSize, corpusChunkSize, maxPairs } = { ...DEFAULTS, ...options };
  const topK = (options.topK ?? DEFAULTS.topK) + 1;
  const d = kernels.dimension;
  const n = matrix.length / d;
  const heap = new TupleHeap(Math.min(maxPairs, 1 << 16));
  let minScore = -1;
  let added = 0;
  for (let c0 = 0; c0 < n; c0 += corpusChunkSize) {
    const corpus = matrix.subarray(c0 * d, Math.min(n, c0 + corpusChunkSize) * d);
    const corpusLen = corpus.length / d;
    const rowsPerCall = Math.max(1, Math.min(queryChunkSize, Math.floor(64_000_000 / corpusLen)));
    for (let q0 = 0; q0 < n; q0 += rowsPerCall) {
      const queries = matrix.subarray(q0 * d, Math.min(n, q0 + rowsPerCall) * d);
      const { values, indices, k } = await kernels.topK(queries, corpus, Math.min(topK, corpusLen));
      const m = queries.length / d;
      for (let r = 0; r < m; r++) {
        for (let x = 0; x < k; x++) {
          const i = q0 + r;
          const j = c0 + indices[r * k + x];
          const s = values[r * k + x];
          if (i !== j && s > minScore) {
            heap.put(s, i, j);
            added++;
            if (added > maxPairs) minScore = heap.get()[0];
          }
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
