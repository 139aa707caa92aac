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
