/**
 * The one heap of the engine: file search, question lookup, the int8 scan's stopping line and the
 * mining scans all keep their best rows with it. One binary min-heap of (score, a, b) entries in typed
 * arrays; what differs between callers is only which of two equal scores is the worse one.
 */

export interface ScoredId {
  /** Index into the corpus. */
  corpusId: number;
  /** Cosine similarity. */
  score: number;
}

/**
 * Which of two entries with equal scores is the worse (sits nearer the root, leaves first):
 * - 'higher-ids': the one with the higher ids, so the lower ids are kept, as torch.topk does on CPU;
 * - 'lower-ids': the one with the lower ids, so entries compare as Python tuples (score, a, b) do.
 */
export type Ties = 'higher-ids' | 'lower-ids';

/** A binary min-heap of (score, a, b): the root is the worst entry; it grows as entries are pushed. */
export class ScoreHeap {
  private s: Float64Array;
  private a: Int32Array;
  private b: Int32Array;
  private readonly sign: number;
  size = 0;

  constructor(capacity: number, ties: Ties) {
    const n = Math.max(capacity, 1);
    this.s = new Float64Array(n);
    this.a = new Int32Array(n);
    this.b = new Int32Array(n);
    this.sign = ties === 'higher-ids' ? -1 : 1;
  }

  /** The worst score kept (the root); undefined when empty. */
  get worstScore(): number | undefined {
    return this.size ? this.s[0] : undefined;
  }

  /** Whether (score, a, b) is worse than the root (false when empty). */
  worseThanRoot(score: number, a: number, b = 0): boolean {
    if (!this.size) return false;
    const s0 = this.s[0];
    const da = this.sign * (a - this.a[0]);
    return score < s0 || (score === s0 && (da < 0 || (da === 0 && this.sign * (b - this.b[0]) < 0)));
  }

  push(score: number, a: number, b = 0): void {
    if (this.size === this.s.length) this.grow();
    let k = this.size++;
    this.set(k, score, a, b);
    while (k > 0) {
      const p = (k - 1) >> 1;
      if (!this.worse(k, p)) break;
      this.swap(k, p);
      k = p;
    }
  }

  /** Take the worst entry out. */
  pop(): [score: number, a: number, b: number] {
    const top: [number, number, number] = [this.s[0], this.a[0], this.b[0]];
    const last = --this.size;
    if (last > 0) {
      this.set(0, this.s[last], this.a[last], this.b[last]);
      this.siftDown();
    }
    return top;
  }

  /** Put (score, a, b) in the root's place (the root leaves). */
  replaceRoot(score: number, a: number, b = 0): void {
    this.set(0, score, a, b);
    this.siftDown();
  }

  /** The entries in heap order (not sorted). */
  entries(): Array<[score: number, a: number, b: number]> {
    return Array.from({ length: this.size }, (_, i): [number, number, number] => [this.s[i], this.a[i], this.b[i]]);
  }

  private worse(i: number, j: number): boolean {
    const si = this.s[i];
    const sj = this.s[j];
    if (si !== sj) return si < sj;
    const da = this.sign * (this.a[i] - this.a[j]);
    return da < 0 || (da === 0 && this.sign * (this.b[i] - this.b[j]) < 0);
  }

  private set(k: number, score: number, a: number, b: number): void {
    this.s[k] = score;
    this.a[k] = a;
    this.b[k] = b;
  }

  private swap(i: number, j: number): void {
    const s = this.s[i];
    const a = this.a[i];
    const b = this.b[i];
    this.set(i, this.s[j], this.a[j], this.b[j]);
    this.set(j, s, a, b);
  }

  private siftDown(): void {
    let k = 0;
    for (;;) {
      const l = 2 * k + 1;
      const r = l + 1;
      let m = k;
      if (l < this.size && this.worse(l, m)) m = l;
      if (r < this.size && this.worse(r, m)) m = r;
      if (m === k) break;
      this.swap(k, m);
      k = m;
    }
  }

  private grow(): void {
    this.s = doubled(this.s);
    this.a = doubled(this.a);
    this.b = doubled(this.b);
  }
}

/** A copy of a typed array with twice the room, for lists that grow as they are pushed to. */
export function doubled<T extends Int32Array | Float32Array | Float64Array>(x: T): T {
  const y = new (x.constructor as new (n: number) => T)(x.length * 2);
  y.set(x);
  return y;
}

/**
 * Keeps the k best (score, id) pairs seen; each push is O(log k).
 * Ties keep the lower id first, as torch.topk does on CPU for these sizes.
 */
export class TopK {
  private readonly heap: ScoreHeap;
  constructor(readonly k: number) {
    this.heap = new ScoreHeap(k, 'higher-ids');
  }
  /** Smallest score kept, or -Infinity while not full. */
  get floor(): number {
    return this.heap.size < this.k ? -Infinity : this.heap.worstScore!;
  }
  push(score: number, id: number): void {
    if (this.k <= 0) return;
    if (this.heap.size < this.k) this.heap.push(score, id);
    else if (!this.heap.worseThanRoot(score, id)) this.heap.replaceRoot(score, id);
  }
  /** Best first. */
  result(): ScoredId[] {
    return this.heap
      .entries()
      .map(([score, corpusId]) => ({ corpusId, score }))
      .sort((a, b) => b.score - a.score || a.corpusId - b.corpusId);
  }
}

/** The k-th largest of `values` (1 ≤ k ≤ length). */
export function kthLargest(values: ArrayLike<number>, k: number): number {
  const best = new TopK(k);
  for (let i = 0; i < values.length; i++) best.push(values[i], i);
  return best.floor;
}
