/**
 * Mean pooling over real (non-padding) tokens, then L2 normalisation: sentence-transformers'
 * Pooling(mode_mean_tokens) followed by Normalize.
 */
export function meanPoolNormalized(
  hidden: Float32Array,
  batch: number,
  seqLen: number,
  dim: number,
  lengths: number[],
): Float32Array[] {
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const v = new Float32Array(dim);
    const n = lengths[b];
    const base = b * seqLen * dim;
    for (let t = 0; t < n; t++) {
      const off = base + t * dim;
      for (let d = 0; d < dim; d++) v[d] += hidden[off + d];
    }
    let norm = 0;
    for (let d = 0; d < dim; d++) {
      v[d] /= Math.max(n, 1e-9);
      norm += v[d] * v[d];
    }
    norm = Math.max(Math.sqrt(norm), 1e-12);
    for (let d = 0; d < dim; d++) v[d] /= norm;
    out.push(v);
  }
  return out;
}
