/**
 * Vector maths over L2-normalised Float32 vectors, with the semantics of sentence-transformers' util.
 */

/** Dot product; for normalised vectors this is the cosine similarity. */
export function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  const n = a.length;
  for (let i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

/** Cosine similarity of two vectors of any length (normalises; 0 for a zero vector). */
export function cosSim(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`cosSim: dimensions differ (${a.length} vs ${b.length})`);
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < a.length; i++) {
    ab += a[i] * b[i];
    aa += a[i] * a[i];
    bb += b[i] * b[i];
  }
  return aa === 0 || bb === 0 ? 0 : ab / Math.sqrt(aa * bb);
}

/** Scale to unit length in place (a zero vector stays zero, as torch.nn.functional.normalize leaves it). */
export function normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  const n = Math.max(Math.sqrt(s), 1e-12);
  for (let i = 0; i < v.length; i++) v[i] /= n;
  return v;
}

export interface ScoredId {
  /** Index into the corpus. */
  corpusId: number;
  /** Cosine similarity. */
  score: number;
}

/**
 * Keeps the k best (score, id) pairs seen; a small binary min-heap so each push is O(log k).
 * Ties keep the lower id first, as torch.topk does on CPU for these sizes.
 */
export class TopK {
  private readonly scores: Float64Array;
  private readonly ids: Int32Array;
  private size = 0;
  constructor(readonly k: number) {
    this.scores = new Float64Array(Math.max(k, 1));
    this.ids = new Int32Array(Math.max(k, 1));
  }
  /** Smallest score kept, or -Infinity while not full. */
  get floor(): number {
    return this.size < this.k ? -Infinity : this.scores[0];
  }
  private worse(i: number, j: number): boolean {
    return this.scores[i] < this.scores[j] || (this.scores[i] === this.scores[j] && this.ids[i] > this.ids[j]);
  }
  private swap(i: number, j: number): void {
    const s = this.scores[i];
    this.scores[i] = this.scores[j];
    this.scores[j] = s;
    const d = this.ids[i];
    this.ids[i] = this.ids[j];
    this.ids[j] = d;
  }
  push(score: number, id: number): void {
    if (this.k <= 0) return;
    if (this.size < this.k) {
      let i = this.size++;
      this.scores[i] = score;
      this.ids[i] = id;
      while (i > 0) {
        const p = (i - 1) >> 1;
        if (!this.worse(i, p)) break;
        this.swap(i, p);
        i = p;
      }
      return;
    }
    if (score < this.scores[0] || (score === this.scores[0] && id > this.ids[0])) return;
    this.scores[0] = score;
    this.ids[0] = id;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.size && this.worse(l, m)) m = l;
      if (r < this.size && this.worse(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }
  /** Best first. */
  result(): ScoredId[] {
    const out: ScoredId[] = [];
    for (let i = 0; i < this.size; i++) out.push({ corpusId: this.ids[i], score: this.scores[i] });
    return out.sort((a, b) => b.score - a.score || a.corpusId - b.corpusId);
  }
}

/**
 * For each query, the topK most similar corpus entries by cosine, best first — util.semantic_search.
 * Vectors are expected normalised (then cosine = dot); pass `normalized: false` to normalise on the fly.
 */
export function semanticSearch(
  queries: Float32Array[],
  corpus: Float32Array[],
  topK = 10,
  options: { normalized?: boolean } = {},
): ScoredId[][] {
  const sim = options.normalized === false ? cosSim : dot;
  return queries.map((q) => {
    const best = new TopK(Math.min(topK, corpus.length));
    for (let i = 0; i < corpus.length; i++) best.push(sim(q, corpus[i]), i);
    return best.result();
  });
}
