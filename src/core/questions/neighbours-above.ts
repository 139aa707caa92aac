/**
 * Every pair of rows whose cosine similarity is at least a threshold, with exact (float) scores —
 * the shared first step of duplicate mining and community detection on a whole bank.
 *
 * The N² scan runs as an int8 matrix product in onnxruntime (VNNI), blockwise over the upper triangle
 * only (the score matrix is symmetric). int8 scores are approximate, so candidates are taken with a
 * margin that provably covers the quantisation error (Cauchy–Schwarz on each vector's rounding error)
 * and then rescored exactly in float: the result is the same set a float scan would give.
 */
import { dotErrorBound, int8Code, transposeRows } from '../vectors/int8-code';
import { rowDot } from '../vectors/exact-scores';
import { doubled } from '../vectors/top-k';
import type { VectorKernels } from './vector-kernels';

/** Per-row neighbour lists in CSR form; each row sorted by score descending, ties by column ascending. */
export interface Neighbours {
  n: number;
  /** Row r's entries are offsets[r] .. offsets[r+1]. */
  offsets: Int32Array;
  cols: Int32Array;
  scores: Float32Array;
}

/** A growable (row, col, score) list kept in typed arrays. */
class PairBuffer {
  rows = new Int32Array(1024);
  cols = new Int32Array(1024);
  scores = new Float32Array(1024);
  length = 0;
  push(r: number, c: number, s: number): void {
    if (this.length === this.rows.length) {
      this.rows = doubled(this.rows);
      this.cols = doubled(this.cols);
      this.scores = doubled(this.scores);
    }
    this.rows[this.length] = r;
    this.cols[this.length] = c;
    this.scores[this.length] = s;
    this.length++;
  }
}

export interface Quantized {
  /** n × d, q + 128 (uint8 with zero point 128). */
  shifted: Uint8Array;
  /** Per block: d × blockLen int8, transposed. */
  blocksT: Int8Array[];
  /** Real score ≈ scale² × integer score. */
  scale: number;
  /** |real − approx| ≤ errorBound for every pair. */
  errorBound: number;
}

export function quantize(matrix: Float32Array, n: number, d: number, blockSize: number): Quantized {
  const { codes: q, steps, maxErr, maxCodeNorm, maxNorm } = int8Code(matrix.subarray(0, n * d), d, 'shared');
  const scale = steps[0] ?? 1;
  const errorBound = dotErrorBound(maxErr, maxNorm, maxCodeNorm, maxErr);
  const shifted = new Uint8Array(n * d);
  for (let i = 0; i < n * d; i++) shifted[i] = q[i] + 128;
  const blocksT: Int8Array[] = [];
  for (let b0 = 0; b0 < n; b0 += blockSize) blocksT.push(transposeRows(q, d, b0, Math.min(b0 + blockSize, n)));
  return { shifted, blocksT, scale, errorBound };
}

/**
 * All (i, j) with dot(row i, row j) ≥ threshold, both directions, self included when it qualifies.
 * `onProgress(done, total)` is called after each block pair.
 */
export async function neighboursAbove(
  kernels: VectorKernels,
  matrix: Float32Array,
  threshold: number,
  options: { blockSize?: number; onProgress?: (done: number, total: number) => void } = {},
): Promise<Neighbours> {
  const d = kernels.dimension;
  const n = matrix.length / d;
  const blockSize = options.blockSize ?? 4096;
  const found = new PairBuffer();
  if (n > 0) {
    const qz = quantize(matrix, n, d, blockSize);
    const intMin = Math.floor((threshold - qz.errorBound) / (qz.scale * qz.scale));
    const blocks = qz.blocksT.length;
    const total = (blocks * (blocks + 1)) / 2;
    let done = 0;
    for (let bi = 0; bi < blocks; bi++) {
      const i0 = bi * blockSize;
      const a = qz.shifted.subarray(i0 * d, Math.min(n, i0 + blockSize) * d);
      for (let bj = bi; bj < blocks; bj++) {
        const j0 = bj * blockSize;
        const bT = qz.blocksT[bj];
        const { rows, cols } = await kernels.int8Above(a, bT, bT.length / d, intMin);
        for (let k = 0; k < rows.length; k++) {
          const r = rows[k] + i0;
          const c = cols[k] + j0;
          if (bi === bj && r > c) continue;
          const s = Math.fround(rowDot(matrix, r, matrix, c, d));
          if (s >= threshold) found.push(r, c, s);
        }
        options.onProgress?.(++done, total);
      }
    }
  }
  return toCsr(found, n);
}

function toCsr(p: PairBuffer, n: number): Neighbours {
  const counts = new Int32Array(n + 1);
  for (let k = 0; k < p.length; k++) {
    counts[p.rows[k]]++;
    if (p.rows[k] !== p.cols[k]) counts[p.cols[k]]++;
  }
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < n; i++) offsets[i + 1] = offsets[i] + counts[i];
  const fill = offsets.slice(0, n);
  const total = offsets[n];
  const cols = new Int32Array(total);
  const scores = new Float32Array(total);
  for (let k = 0; k < p.length; k++) {
    const r = p.rows[k];
    const c = p.cols[k];
    const s = p.scores[k];
    cols[fill[r]] = c;
    scores[fill[r]++] = s;
    if (r !== c) {
      cols[fill[c]] = r;
      scores[fill[c]++] = s;
    }
  }
  for (let i = 0; i < n; i++) {
    const a = offsets[i];
    const b = offsets[i + 1];
    if (b - a < 2) continue;
    const idx = Array.from({ length: b - a }, (_, x) => a + x).sort((x, y) => scores[y] - scores[x] || cols[x] - cols[y]);
    const c2 = idx.map((x) => cols[x]);
    const s2 = idx.map((x) => scores[x]);
    cols.set(c2, a);
    scores.set(s2, a);
  }
  return { n, offsets, cols, scores };
}
