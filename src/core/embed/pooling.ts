/**
 * sentence-transformers' Pooling over the transformer's token vectors, then its Normalize module.
 * Batches are right-padded: tokens [skip, length) of row b are real; `skip` leaves a prompt out of the
 * pooling when the model says include_prompt = false.
 */
import type { PoolingMode } from './types';

export interface PoolOptions {
  mode: PoolingMode;
  /** L2-normalise each vector (a Normalize module, or a cosine model stored normalised). */
  normalize: boolean;
  /** Leading tokens not pooled, per row (the prompt when include_prompt is false). */
  skip?: number[];
}

export function pool(hidden: Float32Array, batch: number, seqLen: number, dim: number, lengths: number[], options: PoolOptions): Float32Array[] {
  const out: Float32Array[] = [];
  for (let b = 0; b < batch; b++) {
    const v = new Float32Array(dim);
    const n = lengths[b];
    const base = b * seqLen * dim;
    const from = Math.min(options.skip?.[b] ?? 0, n);
    if (options.mode === 'cls') {
      // CLS ignores the attention mask in sentence-transformers: always the first token.
      v.set(hidden.subarray(base, base + dim));
    } else if (options.mode === 'lasttoken') {
      const off = base + (n - 1) * dim;
      v.set(hidden.subarray(off, off + dim));
    } else if (options.mode === 'max') {
      // Masked tokens count as -1e9, so a row whose every token is masked gives -1e9 as ST does.
      v.fill(from < n ? -Infinity : -1e9);
      for (let t = from; t < n; t++) {
        const off = base + t * dim;
        for (let d = 0; d < dim; d++) if (hidden[off + d] > v[d]) v[d] = hidden[off + d];
      }
    } else {
      for (let t = from; t < n; t++) {
        const off = base + t * dim;
        for (let d = 0; d < dim; d++) v[d] += hidden[off + d];
      }
      const count = Math.max(n - from, 1e-9);
      for (let d = 0; d < dim; d++) v[d] /= count;
    }
    if (options.normalize) normalizeInPlace(v);
    out.push(v);
  }
  return out;
}

function normalizeInPlace(v: Float32Array): void {
  let norm = 0;
  for (let d = 0; d < v.length; d++) norm += v[d] * v[d];
  norm = Math.max(Math.sqrt(norm), 1e-12);
  for (let d = 0; d < v.length; d++) v[d] /= norm;
}

/** Mean pooling over real tokens, then L2 normalisation (the shipped model's chain). */
export function meanPoolNormalized(hidden: Float32Array, batch: number, seqLen: number, dim: number, lengths: number[]): Float32Array[] {
  return pool(hidden, batch, seqLen, dim, lengths, { mode: 'mean', normalize: true });
}
