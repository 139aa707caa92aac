/**
 * The heavy vector maths on onnxruntime's CPU kernels: a 100,000 × 384 matrix product is ~40 ms in a
 * JavaScript loop but ~8 ms in onnxruntime's GEMM, and the all-pairs scan of duplicate mining needs
 * its int8 VNNI GEMM to fit in a minute on two cores. Sessions are built once, lazily.
 */
import * as ort from 'onnxruntime-node';
import { availableParallelism } from 'node:os';
import { FLOAT, INT64, onnxModel, type Node, type ValueInfo } from './onnx-graph';

const INT8 = 3;
const UINT8 = 2;
const INT32 = 6;

export interface TopKResult {
  /** rows × k scores, best first per row. */
  values: Float32Array;
  /** rows × k column indices. */
  indices: Int32Array;
  k: number;
}

export class VectorKernels {
  private topKSession: Promise<ort.InferenceSession> | null = null;
  private int8Session: Promise<ort.InferenceSession> | null = null;
  private int8ScoresSession: Promise<ort.InferenceSession> | null = null;

  constructor(
    readonly dimension: number,
    private readonly threads = availableParallelism(),
  ) {}

  private session(nodes: Node[], inputs: ValueInfo[], outputs: ValueInfo[]): Promise<ort.InferenceSession> {
    return ort.InferenceSession.create(onnxModel({ nodes, inputs, outputs }), {
      intraOpNumThreads: this.threads,
      interOpNumThreads: 1,
      executionMode: 'sequential',
      graphOptimizationLevel: 'all',
    });
  }

  /** For each row of `queries` (m × d), the k best rows of `corpus` (n × d) by dot product, best first. */
  async topK(queries: Float32Array, corpus: Float32Array, k: number): Promise<TopKResult> {
    const d = this.dimension;
    const m = queries.length / d;
    const n = corpus.length / d;
    k = Math.min(k, n);
    if (m === 0 || k <= 0) return { values: new Float32Array(0), indices: new Int32Array(0), k: Math.max(k, 0) };
    this.topKSession ??= this.session(
      [
        { op: 'Gemm', inputs: ['Q', 'C'], outputs: ['S'], attrs: [{ name: 'transB', int: 1 }] },
        { op: 'TopK', inputs: ['S', 'K'], outputs: ['V', 'I'], attrs: [{ name: 'axis', int: 1 }] },
      ],
      [
        { name: 'Q', type: FLOAT, shape: ['m', d] },
        { name: 'C', type: FLOAT, shape: ['n', d] },
        { name: 'K', type: INT64, shape: [1] },
      ],
      [
        { name: 'V', type: FLOAT, shape: ['m', 'k'] },
        { name: 'I', type: INT64, shape: ['m', 'k'] },
      ],
    );
    const s = await this.topKSession;
    const out = await s.run({
      Q: new ort.Tensor('float32', queries, [m, d]),
      C: new ort.Tensor('float32', corpus, [n, d]),
      K: new ort.Tensor('int64', BigInt64Array.from([BigInt(k)]), [1]),
    });
    const values = out.V.data as Float32Array;
    const big = out.I.data as BigInt64Array;
    const indices = new Int32Array(big.length);
    for (let i = 0; i < big.length; i++) indices[i] = Number(big[i]);
    return { values, indices, k };
  }

  /**
   * Positions (row, col) where the integer dot product of `a` (m × d, uint8 with zero point 128) and
   * `bT` (d × n, int8, transposed) is at least `min`. uint8 × int8 is the VNNI fast path.
   */
  async int8Above(a: Uint8Array, bT: Int8Array, n: number, min: number): Promise<{ rows: Int32Array; cols: Int32Array }> {
    const d = this.dimension;
    const m = a.length / d;
    this.int8Session ??= this.session(
      [
        { op: 'MatMulInteger', inputs: ['A', 'B', 'AZ'], outputs: ['S'] },
        { op: 'GreaterOrEqual', inputs: ['S', 'T'], outputs: ['M'] },
        { op: 'NonZero', inputs: ['M'], outputs: ['NZ'] },
      ],
      [
        { name: 'A', type: UINT8, shape: ['m', d] },
        { name: 'B', type: INT8, shape: [d, 'n'] },
        { name: 'AZ', type: UINT8, shape: [] },
        { name: 'T', type: INT32, shape: [] },
      ],
      [{ name: 'NZ', type: INT64, shape: [2, 'c'] }],
    );
    const s = await this.int8Session;
    const out = await s.run({
      A: new ort.Tensor('uint8', a, [m, d]),
      B: new ort.Tensor('int8', bT, [d, n]),
      AZ: new ort.Tensor('uint8', Uint8Array.from([128]), []),
      T: new ort.Tensor('int32', Int32Array.from([Math.max(-2147483648, Math.min(2147483647, min))]), []),
    });
    const nz = out.NZ.data as BigInt64Array;
    const c = nz.length / 2;
    const rows = new Int32Array(c);
    const cols = new Int32Array(c);
    for (let i = 0; i < c; i++) {
      rows[i] = Number(nz[i]);
      cols[i] = Number(nz[c + i]);
    }
    return { rows, cols };
  }

  /** Integer dot products of one query `a` (d, uint8 with zero point 128) with every column of `bT` (d × n, int8). */
  async int8Scores(a: Uint8Array, bT: Int8Array, n: number): Promise<Int32Array> {
    const d = this.dimension;
    this.int8ScoresSession ??= this.session(
      [{ op: 'MatMulInteger', inputs: ['A', 'B', 'AZ'], outputs: ['S'] }],
      [
        { name: 'A', type: UINT8, shape: [1, d] },
        { name: 'B', type: INT8, shape: [d, 'n'] },
        { name: 'AZ', type: UINT8, shape: [] },
      ],
      [{ name: 'S', type: INT32, shape: [1, 'n'] }],
    );
    const s = await this.int8ScoresSession;
    const out = await s.run({
      A: new ort.Tensor('uint8', a, [1, d]),
      B: new ort.Tensor('int8', bT, [d, n]),
      AZ: new ort.Tensor('uint8', Uint8Array.from([128]), []),
    });
    return out.S.data as Int32Array;
  }

  async close(): Promise<void> {
    for (const s of [this.topKSession, this.int8Session, this.int8ScoresSession]) await (await s?.catch(() => null))?.release();
    this.topKSession = this.int8Session = this.int8ScoresSession = null;
  }
}

/** Dot product of row i of `a` and row j of `b` (both row-major, dimension d), accumulated in double. */
export function rowDot(a: Float32Array, i: number, b: Float32Array, j: number, d: number): number {
  let s = 0;
  const oi = i * d;
  const oj = j * d;
  for (let x = 0; x < d; x++) s += a[oi + x] * b[oj + x];
  return s;
}
