/**
 * The one vector index of the engine, for file search (rows are passages, groups are files) and for
 * question banks (rows are questions). Rows live in memory as int8 codes with one fixed scale — a
 * quarter of float32 — and every query is answered exactly:
 *
 *  1. the int8 scan (int8-scan.ts) returns the candidates with the largest integer dot products;
 *  2. each row's rounding error is known, so |q·v − approx| ≤ b_row (Cauchy–Schwarz on the query's and
 *     the row's rounding errors): the k-th largest lower bound (approx − b) is a line no row below it
 *     can cross into the top k, and only rows whose upper bound (approx + b) reaches it are rescored in
 *     float32. If the candidate list does not reach below the line, the scan is repeated with more.
 *
 * Float32 rows for the rescoring come from memory (question banks, whose duplicate mining needs the
 * whole matrix anyway) or from a `FloatRows` reader (file search: SQLite already holds every vector, so
 * a million passages cost 400 MB of int8 in RAM instead of 1.5 GB of float32).
 *
 * The parts: vector-rows.ts holds the rows (filling holes on removal), int8-candidates.ts is step 1–2,
 * exact-scores.ts the rescoring, graph-in-slices.ts the graph that answers from GRAPH_FROM rows; this
 * file puts them together and ranks.
 */
import type { FloatRows } from './exact-scores';
import { GraphInSlices } from './graph-in-slices';
import { int8Candidates } from './int8-candidates';
import { kthLargest, TopK } from './top-k';
import type { VectorGraph } from './vector-graph';
import { VectorRows, type RowsState } from './vector-rows';

export type { FloatRows };

/**
 * From this many rows search walks a graph (vector-graph.ts) instead of scanning every row: the int8
 * scan reads every row per query (≈ 4 ms at 50,000 rows, 70–90 ms at a million on this machine),
 * the graph a few thousand. Below half of it (rows removed) the index goes back to the exact scan.
 */
export const GRAPH_FROM = 50_000;

export interface VectorHit {
  /** Row id: passage (chunk) id or question id. */
  id: number;
  /** Group id: the passage's file; a question is its own group. */
  group: number;
  /** Exact dot product of the float32 vectors (the cosine similarity for normalised vectors). */
  score: number;
}

/** Everything an index holds except float rows: what vector-file.ts saves and loads. */
export interface VectorIndexState extends RowsState {
  /** The graph, when it holds every row (saved beside the rows). */
  graph: VectorGraph | null;
}

export interface VectorIndexOptions {
  /** Keep float32 rows in memory (default) or read candidates' rows through this reader. */
  floats?: 'memory' | FloatRows;
  /** int8 step: value ≈ scale × code. Default suits L2-normalised vectors (see defaultScale). */
  scale?: number;
  /** Rows to allocate up front. */
  capacity?: number;
  /** Threads of the int8 scan and of building the graph (default 1: a query must not take every core from indexing). */
  threads?: number;
  /** Rows from which a graph answers searches (default GRAPH_FROM; tests lower it). */
  graphFrom?: number;
  /** Called when a graph built in the background starts answering (the owner may save it). */
  onGraphReady?: () => void;
}

/**
 * int8 step for unit vectors of dimension d: codes reach ±127 at 6/√d (0.31 at 384), above every
 * component of the real MiniLM passages bench:scale uses (largest 0.28; 99.9 % of rows below 0.25).
 * A larger component is clipped, which only widens that row's error bound: results stay exact.
 */
export function defaultScale(d: number): number {
  return 6 / Math.sqrt(d) / 127;
}

export class VectorIndex {
  readonly scale: number;
  private readonly store: VectorRows;
  private readonly graph: GraphInSlices;
  private readonly threads: number;

  constructor(
    readonly dimension: number,
    options: VectorIndexOptions = {},
  ) {
    const cap = Math.max(16, options.capacity ?? 1024);
    this.scale = options.scale ?? defaultScale(dimension);
    this.threads = options.threads ?? 1;
    const reader = options.floats && options.floats !== 'memory' ? options.floats : null;
    this.store = new VectorRows(dimension, this.scale, reader, cap);
    this.graph = new GraphInSlices(this.store, options.graphFrom ?? GRAPH_FROM, this.threads, options.onGraphReady);
  }

  /** An index over saved rows; float rows come from `floats` (a reader: the saved state holds none). */
  static fromState(state: VectorIndexState, floats: FloatRows, options: Pick<VectorIndexOptions, 'threads' | 'graphFrom' | 'onGraphReady'> = {}): VectorIndex {
    const index = new VectorIndex(state.dimension, { ...options, floats, scale: state.scale, capacity: 16 });
    index.store.restore(state);
    const { codes, graph } = state;
    if (!codes && graph?.size !== state.rows) throw new Error('saved rows need their codes or a graph holding every row');
    if (graph) index.graph.adopt(graph);
    else index.graph.start();
    return index;
  }

  /** The rows as saved by vector-file.ts (views, valid until the next change); a graph still being built is left out. */
  state(): VectorIndexState {
    return { ...this.store.state(), graph: this.graph.saved };
  }

  /** Whether a graph answers searches (it holds every row). */
  get graphReady(): boolean {
    return this.graph.ready;
  }

  /** The graph: none (the exact scan answers), building (rows in it so far; the scan answers), or ready. */
  get graphState(): { state: 'none' | 'building' | 'ready'; rows: number } {
    return this.graph.state;
  }

  /** Finish building the graph now (tests, benchmarks); the app lets it build between searches. */
  finishGraph(): void {
    this.graph.finish();
  }

  get size(): number {
    return this.store.size;
  }

  /** Bytes held for the rows (codes, ids, groups, errors and floats if kept; not the graph's). */
  get bytes(): number {
    return this.store.bytes;
  }

  add(id: number, vector: Float32Array, group = id): void {
    const ready = this.graph.ready;
    const row = this.store.add(id, vector, group);
    this.graph.added(row, vector, ready);
  }

  hasGroup(group: number): boolean {
    return this.store.byGroup().has(group);
  }

  /** Number of distinct groups (files). */
  get groupCount(): number {
    return this.store.byGroup().size;
  }

  /** Drop every row of a group; returns how many were removed. */
  removeGroup(group: number): number {
    return this.removeGroups([group]);
  }

  /**
   * Drop every row of these groups in one pass; returns how many were removed. Rows moved into the
   * holes are always rows that stay (see GraphInSlices.filledHole).
   */
  removeGroups(groups: Iterable<number>): number {
    const removed = this.store.removeGroups(groups, (hole, last) => this.graph.filledHole(hole, last));
    this.graph.shrunk();
    return removed;
  }

  clear(): void {
    this.store.clear();
    this.graph.leave();
  }

  /** The float rows as one matrix with their ids (views, valid until the next change); memory mode only. */
  vectors(): { ids: Int32Array; matrix: Float32Array } {
    return this.store.vectors();
  }

  /**
   * Exact top-k rows by dot product, best first (equal scores: lower row first); with `accept`, only
   * rows of the groups it accepts (search filters) are considered.
   */
  search(query: Float32Array, k: number, accept?: (group: number) => boolean): VectorHit[] {
    k = Math.min(k, this.store.size);
    if (k <= 0) return [];
    if (this.graphReady) return this.topExact(query, this.graph.candidates(query, k, accept), k);
    // The k-th best lower bound: at least k rows score this much, so no row whose upper bound is below it can make the top k.
    const keep = int8Candidates(this.store, query, (lower) => (lower.length >= k ? kthLargest(lower, k) : false), accept, this.threads);
    return this.topExact(query, keep, k);
  }

  /**
   * The best `perGroup` rows of each of the `kGroups` groups whose best row scores highest, groups in
   * order of their best row. The groups and their best rows are exact; further rows of a group are the
   * best among those within the error margin of the last group's best.
   */
  searchGroups(query: Float32Array, kGroups: number, perGroup = 4): VectorHit[][] {
    if (kGroups <= 0 || this.store.size === 0) return [];
    const { groups } = this.store;
    const keep = this.graphReady ? this.graph.groupCandidates(query, kGroups, perGroup) : int8Candidates(this.store, query, (lower, rows) => {
      // Each group's best lower bound; the kGroups-th largest of those is the line.
      const byGroup = new Map<number, number>();
      rows.forEach((row, i) => {
        const g = groups[row];
        if (!(byGroup.get(g)! >= lower[i])) byGroup.set(g, lower[i]);
      });
      return byGroup.size >= kGroups ? kthLargest(Float64Array.from(byGroup.values()), kGroups) : false;
    }, undefined, this.threads);
    const scores = this.store.exact(query, keep);
    const order = keep.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || keep[a] - keep[b]);
    const byGroup = new Map<number, VectorHit[]>();
    for (const i of order) {
      const row = keep[i];
      const group = groups[row];
      let list = byGroup.get(group);
      if (!list) {
        if (byGroup.size === kGroups) continue;
        byGroup.set(group, (list = []));
      }
      if (list.length < perGroup) list.push({ id: this.store.ids[row], group, score: scores[i] });
    }
    return [...byGroup.values()];
  }

  /** The best k of these rows by exact score. */
  private topExact(query: Float32Array, rows: number[], k: number): VectorHit[] {
    const scores = this.store.exact(query, rows);
    const best = new TopK(k);
    rows.forEach((row, i) => best.push(scores[i], row));
    return best.result().map((h) => ({ id: this.store.ids[h.corpusId], group: this.store.groups[h.corpusId], score: h.score }));
  }
}
