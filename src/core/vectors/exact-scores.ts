/**
 * The one exact dot product of the engine: candidates found by an approximate path (the int8 scan,
 * the graph, the int8 all-pairs scan) are rescored with it, so every score a caller sees is the same
 * float32 number whatever found the row.
 */

/** Reads float32 vectors by row id, for the exact rescoring of candidates. */
export interface FloatRows {
  /** The vectors of `ids`, in that order, as one flat array (ids.length × dimension). */
  read(ids: Int32Array): Float32Array;
}

/** Dot product of row i of `a` and row j of `b` (both row-major, dimension d), accumulated in double. */
export function rowDot(a: Float32Array, i: number, b: Float32Array, j: number, d: number): number {
  let s = 0;
  const oi = i * d;
  const oj = j * d;
  for (let x = 0; x < d; x++) s += a[oi + x] * b[oj + x];
  return s;
}

/**
 * Dot products of `query` with the rows `rows` of `matrix` (every row, in order, when left out),
 * rounded to float32 as a float32 GEMM would give: equal vectors score equal, whatever the path.
 */
export function exactScores(query: Float32Array, matrix: Float32Array, rows?: ArrayLike<number>): Float64Array {
  const d = query.length;
  const n = rows ? rows.length : matrix.length / d;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.fround(rowDot(matrix, rows ? rows[i] : i, query, 0, d));
  return out;
}

/** exactScores of the rows `ids` as `floats` reads them. */
export function storedScores(query: Float32Array, floats: FloatRows, ids: Int32Array): Float64Array {
  const m = floats.read(ids);
  const d = query.length;
  if (m.length !== ids.length * d) throw new Error(`float rows: asked for ${ids.length}, got ${m.length / d}`);
  return exactScores(query, m);
}
