/**
 * Rows of a float matrix rounded to int8 with one shared scale, plus the norms that bound the rounding
 * error of any dot product (Cauchy–Schwarz on each row's rounding error). The all-pairs scan of
 * duplicate mining (questions/neighbours-above.ts) takes candidates with that margin and rescores them
 * in float, as the lookup index (vector-index.ts) does per row, so results equal a float scan.
 */
export interface Int8Rows {
  /** n × d, row-major. */
  q: Int8Array;
  /** Real value ≈ scale × q. */
  scale: number;
  /** Largest ‖v − scale·q_v‖ over the rows. */
  maxErr: number;
  /** Largest ‖scale·q_v‖ over the rows. */
  maxQNorm: number;
  /** Largest ‖v‖ over the rows. */
  maxNorm: number;
}

export function quantizeRows(matrix: Float32Array, n: number, d: number): Int8Rows {
  let maxAbs = 0;
  for (let i = 0; i < n * d; i++) maxAbs = Math.max(maxAbs, Math.abs(matrix[i]));
  const scale = maxAbs > 0 ? maxAbs / 127 : 1;
  const q = new Int8Array(n * d);
  let maxErr = 0;
  let maxQNorm = 0;
  let maxNorm = 0;
  for (let i = 0; i < n; i++) {
    let err = 0;
    let qn = 0;
    let vn = 0;
    for (let x = 0; x < d; x++) {
      const v = matrix[i * d + x];
      const r = Math.max(-127, Math.min(127, Math.round(v / scale)));
      q[i * d + x] = r;
      err += (v - r * scale) ** 2;
      qn += (r * scale) ** 2;
      vn += v * v;
    }
    maxErr = Math.max(maxErr, Math.sqrt(err));
    maxQNorm = Math.max(maxQNorm, Math.sqrt(qn));
    maxNorm = Math.max(maxNorm, Math.sqrt(vn));
  }
  return { q, scale, maxErr, maxQNorm, maxNorm };
}

/** Rows start..end of q transposed to d × (end − start), the right-hand side of a matrix product. */
export function transposeRows(q: Int8Array, d: number, start: number, end: number): Int8Array {
  const len = end - start;
  const t = new Int8Array(d * len);
  for (let r = 0; r < len; r++) for (let x = 0; x < d; x++) t[x * len + r] = q[(start + r) * d + x];
  return t;
}
