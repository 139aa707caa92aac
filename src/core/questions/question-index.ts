/**
 * The in-memory lookup index of one bank: its vectors in one contiguous Float32Array (rows in row-id
 * order) and exact top-k by dot product. Small banks are scanned in JavaScript; from a few thousand
 * rows on, the scan is one onnxruntime Gemm + TopK (about 8 ms for 100,000 × 384 on two cores).
 */
import { TopK, type ScoredId } from '../embed/similarity';
import type { VectorKernels } from './vector-kernels';

/** Below this many rows a plain loop beats the call into onnxruntime. */
const JS_SCAN_MAX_ROWS = 4000;

export interface IndexHit {
  /** Question row id. */
  id: number;
  score: number;
}

export class QuestionIndex {
  private ids: Int32Array;
  private matrix: Float32Array;
  private count = 0;

  constructor(
    readonly dimension: number,
    private readonly kernels: VectorKernels,
    initial?: { ids: Int32Array; matrix: Float32Array },
  ) {
    const n = initial?.ids.length ?? 0;
    this.ids = new Int32Array(Math.max(16, n));
    this.matrix = new Float32Array(Math.max(16, n) * dimension);
    if (initial) {
      this.ids.set(initial.ids);
      this.matrix.set(initial.matrix);
      this.count = n;
    }
  }

  get size(): number {
    return this.count;
  }

  /** The rows as one matrix (a view; valid until the next change). */
  vectors(): { ids: Int32Array; matrix: Float32Array } {
    return { ids: this.ids.subarray(0, this.count), matrix: this.matrix.subarray(0, this.count * this.dimension) };
  }

  add(id: number, vector: Float32Array): void {
    if (vector.length !== this.dimension) throw new Error(`vector has ${vector.length} dimensions, index has ${this.dimension}`);
    if (this.count === this.ids.length) {
      const ids = new Int32Array(this.ids.length * 2);
      ids.set(this.ids);
      const m = new Float32Array(ids.length * this.dimension);
      m.set(this.matrix);
      this.ids = ids;
      this.matrix = m;
    }
    this.ids[this.count] = id;
    this.matrix.set(vector, this.count * this.dimension);
    this.count++;
  }

  /** Exact top-k rows for one query vector, best first. */
  async search(query: Float32Array, k: number): Promise<IndexHit[]> {
    const n = this.count;
    k = Math.min(k, n);
    if (k <= 0) return [];
    const d = this.dimension;
    let hits: ScoredId[];
    if (n <= JS_SCAN_MAX_ROWS) {
      const best = new TopK(k);
      const m = this.matrix;
      for (let i = 0; i < n; i++) {
        let s = 0;
        const o = i * d;
        for (let x = 0; x < d; x++) s += query[x] * m[o + x];
        best.push(Math.fround(s), i);
      }
      hits = best.result();
    } else {
      const { values, indices } = await this.kernels.topK(query, this.matrix.subarray(0, n * d), k);
      hits = Array.from(indices, (corpusId, x) => ({ corpusId, score: values[x] }));
      // TopK orders equal scores arbitrarily; keep the lower row first, as the JS path does.
      hits.sort((a, b) => b.score - a.score || a.corpusId - b.corpusId);
    }
    return hits.map((h) => ({ id: this.ids[h.corpusId], score: h.score }));
  }
}
