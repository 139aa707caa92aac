/**
 * Matrix products on onnxruntime's CPU kernels: a 100,000 × 384 product is ~40 ms in a JavaScript
 * loop but ~8 ms in onnxruntime's GEMM, and the all-pairs scan of duplicate mining needs its int8 VNNI
 * GEMM to fit in a minute on two cores. Sessions are built once, lazily. Keeping the best rows is
 * not done here: every caller uses the one heap (vectors/top-k.ts).
 */
import * as ort from 'onnxruntime-node';
import { availableParallelism } from 'node:os';
import { FLOAT, INT64, onnxModel, type Node, type ValueInfo } from './onnx-graph';

const INT8 = 3;
const UINT8 = 2;
const INT32 = 6;

export class VectorKernels {
  private gemmSession: Promise<ort.InferenceSession> | null = null;
  private int8Session: Promise<ort.InferenceSession> | null = null;

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

  /** The dot products of every row of `queries` (m × d) with every row of `corpus` (n × d), m × n row-major. */
  async scores(queries: Float32Array, corpus: Float32Array): Promise<Float32Array> {
    const d = this.dimension;
    const m = queries.length / d;
    const n = corpus.length / d;
    if (m === 0 || n === 0) return new Float32Array(0);
    this.gemmSession ??= this.session(
      [{ op: 'Gemm', inputs: ['Q', 'C'], outputs: ['S'], attrs: [{ name: 'transB', int: 1 }] }],
      [
        { name: 'Q', type: FLOAT, shape: ['m', d] },
        { name: 'C', type: FLOAT, shape: ['n', d] },
      ],
      [{ name: 'S', type: FLOAT, shape: ['m', 'n'] }],
    );
    const s = await this.gemmSession;
    const out = await s.run({ Q: new ort.Tensor('float32', queries, [m, d]), C: new ort.Tensor('float32', corpus, [n, d]) });
    return out.S.data as Float32Array;
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

  async close(): Promise<void> {
    for (const s of [this.gemmSession, this.int8Session]) await (await s?.catch(() => null))?.release();
    this.gemmSession = this.int8Session = null;
  }
}
