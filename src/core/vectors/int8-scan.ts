/**
 * The int8 scan under every vector lookup: usearch's exact search, whose NumKong kernels pick the
 * CPU's best integer dot product at run time (AVX-512 VNNI, AVX2, NEON), over int8 rows. One query,
 * one pass over the rows, the `count` largest integer dot products back, largest first.
 *
 * Why usearch and not onnxruntime's MatMulInteger (which question lookup used before): with one query
 * the GEMM repacks the whole right-hand matrix on every call. Measured here, 1,000,000 × 384 int8 rows,
 * one thread, same run: usearch 67 ms of CPU per query, MatMulInteger 119 ms, and a float32 JavaScript
 * loop about 1 s. onnxruntime stays for the matrix-by-matrix products of duplicate mining.
 */
import { createRequire } from 'node:module';

// usearch's ES module entry finds its native build by walking up from the *caller's* folder and stops
// at the first folder holding a `build/` directory (Trove's own root has one); the CommonJS entry
// starts from its own folder, so it is loaded through require.
const usearch = createRequire(import.meta.url)('usearch') as typeof import('usearch');

export interface ScanResult {
  /** Row numbers, best first. */
  rows: Int32Array;
  /** Their integer dot products with the query. */
  dots: Float64Array;
}

/**
 * The `count` rows of `codes` (n × d, row-major int8) with the largest dot product with `query` (d int8).
 * Both arrays must start at offset 0 of their buffers: the native side reads from the buffer's start.
 */
export function int8TopRows(codes: Int8Array, n: number, d: number, query: Int8Array, count: number, threads = 1): ScanResult {
  if (codes.byteOffset !== 0 || query.byteOffset !== 0) throw new Error('int8TopRows: arrays must start at offset 0 of their buffers');
  if (query.length !== d) throw new Error(`int8TopRows: query has ${query.length} dimensions, rows have ${d}`);
  count = Math.min(count, n);
  if (count <= 0) return { rows: new Int32Array(0), dots: new Float64Array(0) };
  const found = usearch.exactSearch(codes.subarray(0, n * d), query, d, count, usearch.MetricKind.IP, threads);
  const { keys, distances } = found as InstanceType<typeof usearch.Matches>;
  const rows = new Int32Array(keys.length);
  const dots = new Float64Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    rows[i] = Number(keys[i]);
    // usearch's inner-product "distance" is 1 − dot; integers below 2^24 are exact in float32.
    dots[i] = 1 - distances[i];
  }
  return { rows, dots };
}
