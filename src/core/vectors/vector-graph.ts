/**
 * The nearest-neighbour graph over a large index's rows: usearch's HNSW (the same library as the int8
 * scan, int8 rows inside it). Searching it visits a few thousand rows instead of all of them, so a
 * million passages answer in milliseconds; it is approximate, so VectorIndex takes more candidates
 * than it needs and rescores them exactly in float32 (recall@10 against an exact float32 ranking is
 * what bench:scale measures).
 *
 * Keys are the index's row numbers. Connectivity and breadths were chosen on 100,000 real MiniLM
 * passages grown as bench:scale grows them, 200 SciFact claims, candidates rescored in float32: M 16,
 * 128 / 400 gave recall@10 0.9995 at p50 ≈ 3 ms (M 16 with 64 / 128: 0.972; M 32 with 128 / 400:
 * 0.999 at twice the graph memory).
 */
import { createRequire } from 'node:module';

// See int8-scan.ts for why usearch is loaded through require.
const usearch = createRequire(import.meta.url)('usearch') as typeof import('usearch');

/** Neighbours per node (the graph's memory is about 8·M bytes per row on its lowest level). */
const CONNECTIVITY = 16;
/** Breadth while inserting (higher: a better graph, slower inserts). */
const EXPANSION_ADD = 128;
/** Breadth while searching: at least the candidates asked for. */
const EXPANSION_SEARCH = 400;

export class VectorGraph {
  private readonly graph: InstanceType<typeof usearch.Index>;

  constructor(readonly dimension: number) {
    this.graph = new usearch.Index({
      dimensions: dimension,
      metric: usearch.MetricKind.IP,
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
    this.graph.add(keys, vectors, threads);
  }

  remove(row: number): void {
    this.graph.remove(BigInt(row));
  }

  /** About the `count` rows with the largest dot product with `query`, best first. */
  search(query: Float32Array, count: number): Int32Array {
    count = Math.min(count, this.size);
    if (count <= 0) return new Int32Array(0);
    const found = this.graph.search(query, count, 1);
    const keys = found.keys;
    const rows = new Int32Array(keys.length);
    let n = 0;
    // Fewer matches than asked come back padded with the largest key.
    for (let i = 0; i < keys.length; i++) if (keys[i] < 0xffffffffn) rows[n++] = Number(keys[i]);
    return rows.subarray(0, n);
  }

  save(path: string): void {
    this.graph.save(path);
  }
}
