/**
 * The nearest-neighbour graph over a large index's rows: usearch's HNSW (the same library as the int8
 * scan, int8 rows inside it). Searching it visits a few thousand rows instead of all of them, so a
 * million passages answer in milliseconds; it is approximate, so VectorIndex takes more candidates
 * than it needs and rescores them exactly in float32 (recall@10 against an exact float32 ranking is
 * what bench:scale measures).
 *
 * Keys are the index's row numbers. Connectivity and breadths were chosen with bench:scale (real MiniLM
 * passages grown by mixing, 200 SciFact claims, candidates rescored in float32), at 1,000,000 rows:
 * M 16 gave recall@10 0.9535 with breadth 400, 0.9745 with 1,000, 0.9805 with 2,000 — the graph,
 * not the candidates rescored, missed neighbours; M 24 gave 0.9765 / 0.9885 / 0.9905 for 64 MB more
 * (596 MB of graph instead of 532). At 100,000 rows M 16 with breadth 400 already gave 0.998. So M 24,
 * and a search breadth that grows with the graph: 400 up to 133,000 rows, one per 333 rows above,
 * at most 4,000 (3,000 at a million).
 *
 * Rows go in as int8 codes with a step per row (int8-code.ts: each row's largest component is ±127),
 * compared by cosine (which ignores each row's scale). Left to usearch, a float row is divided by its
 * length, multiplied by 127 and truncated: a MiniLM component (≈ ±0.05 of a unit vector) becomes an
 * integer of about ±6, four bits where these codes keep seven. Measured on the same 100,000 rows the two
 * gave the same recall (0.998), so the precision is a margin, not where the 1M loss came from.
 */
import { createRequire } from 'node:module';
import { int8Code } from './int8-code';

// See int8-scan.ts for why usearch is loaded through require.
const usearch = createRequire(import.meta.url)('usearch') as typeof import('usearch');

/** Neighbours per node (the graph's memory is about 8·M bytes per row on its lowest level). */
const CONNECTIVITY = 24;
/** Breadth while inserting (higher: a better graph, slower inserts). */
const EXPANSION_ADD = 128;
/** Breadth while searching a small graph (and the least for any): at least the candidates asked for. */
const EXPANSION_SEARCH = 400;
/** Rows per unit of breadth above that, and the most breadth (see the file comment). */
const ROWS_PER_BREADTH = 333;
const MAX_BREADTH = 4000;

export class VectorGraph {
  private readonly graph: InstanceType<typeof usearch.Index>;

  constructor(readonly dimension: number) {
    this.graph = new usearch.Index({
      dimensions: dimension,
      metric: usearch.MetricKind.Cos,
      quantization: usearch.ScalarKind.I8,
      connectivity: CONNECTIVITY,
      expansion_add: EXPANSION_ADD,
      expansion_search: EXPANSION_SEARCH,
      multi: false,
    });
  }

  /** A graph saved by `save`. */
  static load(path: string, dimension: number): VectorGraph {
    const g = new VectorGraph(dimension);
    g.graph.load(path);
    return g;
  }

  get size(): number {
    return this.graph.size();
  }

  /** Rows `first`, `first`+1, … with these vectors (rows × dimension, float32), on `threads` threads. */
  add(first: number, vectors: Float32Array, threads = 1): void {
    const n = vectors.length / this.dimension;
    if (n === 0) return;
    const keys = new BigUint64Array(n);
    for (let i = 0; i < n; i++) keys[i] = BigInt(first + i);
    this.graph.add(keys, int8Code(vectors, this.dimension, 'per-row').codes, threads);
  }

  remove(row: number): void {
    this.graph.remove(BigInt(row));
  }

  /** The search breadth for this many rows (see the file comment). */
  static breadth(rows: number): number {
    return Math.max(EXPANSION_SEARCH, Math.min(MAX_BREADTH, Math.round(rows / ROWS_PER_BREADTH)));
  }

  /** About the `count` rows with the largest dot product with `query`, best first. */
  search(query: Float32Array, count: number): Int32Array {
    count = Math.min(count, this.size);
    if (count <= 0) return new Int32Array(0);
    // usearch walks with breadth max(expansion_search, asked); only the best `count` are kept.
    const asked = Math.min(this.size, Math.max(count, VectorGraph.breadth(this.size)));
    const found = this.graph.search(int8Code(query, this.dimension, 'per-row').codes, asked, 1);
    const keys = found.keys;
    const rows = new Int32Array(Math.min(count, keys.length));
    let n = 0;
    // Fewer matches than asked come back padded with the largest key.
    for (let i = 0; i < keys.length && n < rows.length; i++) if (keys[i] < 0xffffffffn) rows[n++] = Number(keys[i]);
    return rows.subarray(0, n);
  }

  save(path: string): void {
    this.graph.save(path);
  }
}
