/**
 * The one int8 code of the engine: a value is ≈ step × code, codes rounded and clipped to ±127, with
 * what bounds the rounding error of any dot product taken on the codes (Cauchy–Schwarz on each row's
 * rounding error). The lookup index (vector-index.ts) and duplicate mining (questions/neighbours-above.ts)
 * take candidates with that margin and rescore them in float, so their results equal a float scan;
 * the graph (vector-graph.ts) stores the codes and needs no bound.
 *
 * Where the callers differ is only the step:
 * - `{ fixed }`: one step chosen in advance (the lookup index: rows arrive one at a time);
 * - 'shared': one step for all rows, the largest |value| → ±127 (a whole matrix known at once);
 * - 'per-row': each row its own, its largest |value| → ±127 (a query; the graph, which compares by cosine).
 */
export type Int8Step = { fixed: number } | 'shared' | 'per-row';

export interface Int8Rows {
  /** rows × d, row-major (or written into the array given, from its offset). */
  codes: Int8Array;
  /** Each row's step: value ≈ steps[row] × code. */
  steps: Float64Array;
  /** Each row's rounding error ‖v − step·code‖. */
  errs: Float64Array;
  /** Largest ‖v − step·code‖, ‖step·code‖ and ‖v‖ over the rows. */
  maxErr: number;
  maxCodeNorm: number;
  maxNorm: number;
}

/** The step that takes the largest |value| of values[from, to) to ±127 (1 when all are zero). */
function stepFor(values: Float32Array, from = 0, to = values.length): number {
  let maxAbs = 0;
  for (let i = from; i < to; i++) maxAbs = Math.max(maxAbs, Math.abs(values[i]));
  return maxAbs > 0 ? maxAbs / 127 : 1;
}

/** The rows of `vectors` (rows × d) as int8 codes, into `codes` from offset `at` (a new array by default). */
export function int8Code(vectors: Float32Array, d: number, step: Int8Step, codes: Int8Array = new Int8Array(vectors.length), at = 0): Int8Rows {
  const n = vectors.length / d;
  const shared = step === 'per-row' ? 0 : step === 'shared' ? stepFor(vectors) : step.fixed;
  const steps = new Float64Array(n);
  const errs = new Float64Array(n);
  let maxErr = 0;
  let maxCodeNorm = 0;
  let maxNorm = 0;
  for (let i = 0; i < n; i++) {
    const base = i * d;
    const s = step === 'per-row' ? stepFor(vectors, base, base + d) : shared;
    let err = 0;
    let codeNorm = 0;
    let norm = 0;
    for (let x = 0; x < d; x++) {
      const v = vectors[base + x];
      const c = Math.max(-127, Math.min(127, Math.round(v / s)));
      codes[at + base + x] = c;
      err += (v - c * s) ** 2;
      codeNorm += (c * s) ** 2;
      norm += v * v;
    }
    steps[i] = s;
    errs[i] = Math.sqrt(err);
    maxErr = Math.max(maxErr, errs[i]);
    maxCodeNorm = Math.max(maxCodeNorm, Math.sqrt(codeNorm));
    maxNorm = Math.max(maxNorm, Math.sqrt(norm));
  }
  return { codes, steps, errs, maxErr, maxCodeNorm, maxNorm };
}

/**
 * How far a·b can be from the dot product of their codes (ŝa·ĉa)·(ŝb·ĉb): a·b − â·b̂ = e_a·b + â·e_b,
 * so |error| ≤ ‖e_a‖‖b‖ + ‖â‖‖e_b‖ (plus 1e-6 for the float arithmetic).
 */
export function dotErrorBound(errA: number, normB: number, codeNormA: number, errB: number): number {
  return errA * normB + 1e-6 + codeNormA * errB;
}

/** Rows start..end of codes (rows × d) transposed to d × (end − start), the right-hand side of a matrix product. */
export function transposeRows(codes: Int8Array, d: number, start: number, end: number): Int8Array {
  const len = end - start;
  const t = new Int8Array(d * len);
  for (let r = 0; r < len; r++) for (let x = 0; x < d; x++) t[x * len + r] = codes[(start + r) * d + x];
  return t;
}
