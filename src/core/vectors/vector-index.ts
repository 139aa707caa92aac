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
 */
import { int8TopRows, type ScanResult } from './int8-scan';
import { exactScores, storedScores, type FloatRows } from './exact-scores';
import { dotErrorBound, int8Code } from './int8-code';
import { kthLargest, TopK } from './top-k';
import { VectorGraph } from './vector-graph';

export type { FloatRows };

/**
 * From this many rows search walks a graph (vector-graph.ts) instead of scanning every row: the int8
 * scan reads every row per query (≈ 4 ms at 50,000 rows, 70–90 ms at a million on this machine),
 * the graph a few thousand. Below half of it (rows removed) the index goes back to the exact scan.
 */
export const GRAPH_FROM = 50_000;
/** Rows added to a graph being built per turn of the event loop (≈ 0.1–0.3 s; searches wait no longer). */
const GRAPH_SLICE = 256;
/** Candidates taken from the graph and rescored exactly, at least (and 4 per result asked for). */
const GRAPH_CANDIDATES = 64;

export interface VectorHit {
  /** Row id: passage (chunk) id or question id. */
  id: number;
  /** Group id: the passage's file; a question is its own group. */
  group: number;
  /** Exact dot product of the float32 vectors (the cosine similarity for normalised vectors). */
  score: number;
}

/** Everything an index holds except float rows: what vector-file.ts saves and loads. */
export interface VectorIndexState {
  dimension: number;
  rows: number;
  scale: number;
  maxErr: number;
  maxNorm: number;
  /** Each at least `rows` long (codes rows × dimension, at offset 0 of its buffer). */
  ids: Int32Array;
  groups: Int32Array;
  errs: Float32Array;
  /** null when the graph holds every row (the index keeps no int8 rows then). */
  codes: Int8Array | null;
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
  /** int8 rows for the exact scan; null once a graph holds every row (a million rows: 384 MB saved). */
  private codes: Int8Array | null;
  private floats: Float32Array | null;
  private ids: Int32Array;
  private groups: Int32Array;
  /** Per row: ‖v − scale·code‖. */
  private errs: Float32Array;
  private rows = 0;
  /** Largest row error and norm ever added (never lowered on removal: the bound stays valid). */
  private maxErr = 0;
  private maxNorm = 0;
  /** Built on the first removal: question banks never remove, so they never pay for it. */
  private rowsByGroup: Map<number, number[]> | null = null;
  private readonly reader: FloatRows | null;
  private readonly threads: number;
  private readonly graphFrom: number;
  private readonly onGraphReady: (() => void) | undefined;
  /** The graph over rows [0, graphRows); it answers searches once it holds every row. */
  private graph: VectorGraph | null = null;
  private graphRows = 0;
  private building: NodeJS.Immediate | null = null;

  constructor(
    readonly dimension: number,
    options: VectorIndexOptions = {},
  ) {
    const cap = Math.max(16, options.capacity ?? 1024);
    this.scale = options.scale ?? defaultScale(dimension);
    this.reader = options.floats && options.floats !== 'memory' ? options.floats : null;
    this.threads = options.threads ?? 1;
    this.graphFrom = options.graphFrom ?? GRAPH_FROM;
    this.onGraphReady = options.onGraphReady;
    this.codes = new Int8Array(cap * dimension);
    this.floats = this.reader ? null : new Float32Array(cap * dimension);
    this.ids = new Int32Array(cap);
    this.groups = new Int32Array(cap);
    this.errs = new Float32Array(cap);
  }

  /** An index over saved rows; float rows come from `floats` (a reader: the saved state holds none). */
  static fromState(state: VectorIndexState, floats: FloatRows, options: Pick<VectorIndexOptions, 'threads' | 'graphFrom' | 'onGraphReady'> = {}): VectorIndex {
    const index = new VectorIndex(state.dimension, { ...options, floats, scale: state.scale, capacity: 16 });
    const { codes, graph } = state;
    if (codes && (codes.byteOffset !== 0 || codes.length < state.rows * state.dimension)) throw new Error('saved codes must fill their own buffer');
    if (!codes && graph?.size !== state.rows) throw new Error('saved rows need their codes or a graph holding every row');
    Object.assign(index, { codes, ids: state.ids, groups: state.groups, errs: state.errs, rows: state.rows, maxErr: state.maxErr, maxNorm: state.maxNorm });
    if (graph) Object.assign(index, { graph, graphRows: state.rows });
    else index.startGraph();
    return index;
  }

  /** The rows as saved by vector-file.ts (views, valid until the next change); a graph still being built is left out. */
  state(): VectorIndexState {
    const { dimension, rows, scale, maxErr, maxNorm, ids, groups, errs, codes } = this;
    return { dimension, rows, scale, maxErr, maxNorm, ids, groups, errs, codes, graph: this.graphReady ? this.graph : null };
  }

  /** Whether a graph answers searches (it holds every row). */
  get graphReady(): boolean {
    return this.graph !== null && this.graphRows === this.rows;
  }

  /** The graph: none (the exact scan answers), building (rows in it so far; the scan answers), or ready. */
  get graphState(): { state: 'none' | 'building' | 'ready'; rows: number } {
    if (!this.graph) return { state: 'none', rows: 0 };
    return { state: this.graphReady ? 'ready' : 'building', rows: this.graphRows };
  }

  /** Finish building the graph now (tests, benchmarks); the app lets it build between searches. */
  finishGraph(): void {
    while (this.graph && !this.graphReady) this.buildSlice();
  }

  get size(): number {
    return this.rows;
  }

  /** Bytes held for the rows (codes, ids, groups, errors and floats if kept; not the graph's). */
  get bytes(): number {
    return (this.codes?.byteLength ?? 0) + (this.floats?.byteLength ?? 0) + this.ids.byteLength * 3;
  }

  add(id: number, vector: Float32Array, group = id): void {
    const d = this.dimension;
    if (vector.length !== d) throw new Error(`vector has ${vector.length} dimensions, the index ${d}`);
    if (this.rows === this.ids.length) this.grow();
    const ready = this.graphReady;
    const row = this.rows++;
    const base = row * d;
    if (this.codes) this.quantise(row, vector);
    this.floats?.set(vector, base);
    this.ids[row] = id;
    this.groups[row] = group;
    if (ready) {
      this.graph!.add(row, vector);
      this.graphRows = this.rows;
    } else if (!this.graph && this.rows >= this.graphFrom) this.startGraph();
    if (this.rowsByGroup) {
      const list = this.rowsByGroup.get(group);
      if (list) list.push(row);
      else this.rowsByGroup.set(group, [row]);
    }
  }

  hasGroup(group: number): boolean {
    return this.byGroup().has(group);
  }

  /** Number of distinct groups (files). */
  get groupCount(): number {
    return this.byGroup().size;
  }

  /** Drop every row of a group; returns how many were removed. */
  removeGroup(group: number): number {
    return this.removeGroups([group]);
  }

  /**
   * Drop every row of these groups in one pass; returns how many were removed. Rows moved into the
   * holes are always rows that stay — with a graph, a moved row is re-added from its float vector,
   * which a reader can only give for rows still stored (a folder's files leave the database first).
   */
  removeGroups(groups: Iterable<number>): number {
    const map = this.byGroup();
    const holes: number[] = [];
    for (const group of groups) {
      const rows = map.get(group);
      if (!rows) continue;
      map.delete(group);
      holes.push(...rows);
    }
    // Fill holes from the end, highest hole first, so a moved row is never itself a pending hole.
    for (const hole of holes.sort((a, b) => b - a)) {
      const last = --this.rows;
      const g = this.graph;
      // The graph knows rows by number: the hole's entry goes, the last row's entry moves to the hole.
      if (g && hole < this.graphRows) g.remove(hole);
      if (hole === last) {
        this.graphRows = Math.min(this.graphRows, this.rows);
        continue;
      }
      this.moveRow(last, hole);
      if (g && last < this.graphRows) g.remove(last);
      if (g && hole < this.graphRows) g.add(hole, this.floatRows(hole, hole + 1));
      this.graphRows = Math.min(this.graphRows, this.rows);
      const moved = map.get(this.groups[hole])!;
      moved[moved.indexOf(last)] = hole;
    }
    if (this.graph && this.rows < this.graphFrom / 2) this.leaveGraph();
    return holes.length;
  }

  clear(): void {
    this.rows = 0;
    this.rowsByGroup = null;
    this.leaveGraph();
  }

  /** The float rows as one matrix with their ids (views, valid until the next change); memory mode only. */
  vectors(): { ids: Int32Array; matrix: Float32Array } {
    if (!this.floats) throw new Error('this index reads its float rows from storage; it holds no matrix');
    return { ids: this.ids.subarray(0, this.rows), matrix: this.floats.subarray(0, this.rows * this.dimension) };
  }

  /**
   * Exact top-k rows by dot product, best first (equal scores: lower row first); with `accept`, only
   * rows of the groups it accepts (search filters) are considered.
   */
  search(query: Float32Array, k: number, accept?: (group: number) => boolean): VectorHit[] {
    k = Math.min(k, this.rows);
    if (k <= 0) return [];
    if (this.graphReady) return this.graphSearch(query, k, accept);
    // The k-th best lower bound: at least k rows score this much, so no row whose upper bound is below it can make the top k.
    const keep = this.candidates(query, (lower) => (lower.length >= k ? kthLargest(lower, k) : false), accept);
    const scores = this.exact(query, keep);
    const best = new TopK(k);
    keep.forEach((row, i) => best.push(scores[i], row));
    return best.result().map((h) => ({ id: this.ids[h.corpusId], group: this.groups[h.corpusId], score: h.score }));
  }

  /**
   * The best `perGroup` rows of each of the `kGroups` groups whose best row scores highest, groups in
   * order of their best row. The groups and their best rows are exact; further rows of a group are the
   * best among those within the error margin of the last group's best.
   */
  searchGroups(query: Float32Array, kGroups: number, perGroup = 4): VectorHit[][] {
    if (kGroups <= 0 || this.rows === 0) return [];
    const keep = this.graphReady ? this.graphGroupCandidates(query, kGroups, perGroup) : this.candidates(query, (lower, rows) => {
      // Each group's best lower bound; the kGroups-th largest of those is the line.
      const byGroup = new Map<number, number>();
      rows.forEach((row, i) => {
        const g = this.groups[row];
        if (!(byGroup.get(g)! >= lower[i])) byGroup.set(g, lower[i]);
      });
      return byGroup.size >= kGroups ? kthLargest(Float64Array.from(byGroup.values()), kGroups) : false;
    });
    const scores = this.exact(query, keep);
    const order = keep.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || keep[a] - keep[b]);
    const byGroup = new Map<number, VectorHit[]>();
    for (const i of order) {
      const row = keep[i];
      const group = this.groups[row];
      let list = byGroup.get(group);
      if (!list) {
        if (byGroup.size === kGroups) continue;
        byGroup.set(group, (list = []));
      }
      if (list.length < perGroup) list.push({ id: this.ids[row], group, score: scores[i] });
    }
    return [...byGroup.values()];
  }

  /**
   * The rows that must be rescored in float: every row whose score could reach the line `line` draws
   * from the candidates' lower bounds (false: the list is too short to tell). Each row's error bound is
   * its own (‖e_q‖‖v‖ + ‖sq q̂‖‖e_v‖); rows the scan did not return have approx scores at most the last
   * candidate's, and the largest error, so the scan is repeated with more candidates until even that
   * is below the line. Scanning 1,024 rows costs about the same as 128: one pass nearly always does.
   */
  private candidates(
    query: Float32Array,
    line: (lower: Float64Array, rows: Int32Array) => number | false,
    accept?: (group: number) => boolean,
  ): number[] {
    const d = this.dimension;
    if (query.length !== d) throw new Error(`query has ${query.length} dimensions, the index ${d}`);
    const n = this.rows;
    const q = int8Code(query, d, 'per-row');
    const q8 = q.codes;
    const qErr = q.errs[0];
    const qHat = q.maxCodeNorm;
    const worst = dotErrorBound(qErr, this.maxNorm, qHat, this.maxErr);
    const factor = q.steps[0] * this.scale;
    let want = Math.min(n, 1024);
    for (;;) {
      const top = int8TopRows(this.codes!, n, d, q8, want, this.threads);
      // Rows of groups a filter leaves out take no part in the line; rows beyond the scan are still
      // bounded by its last (unfiltered) candidate, so the stopping rule below stays sound.
      const { rows, dots } = accept ? this.accepted(top, accept) : top;
      const last = top.dots[top.dots.length - 1];
      const bound = Float64Array.from(rows, (r) => dotErrorBound(qErr, this.maxNorm, qHat, this.errs[r]));
      const lower = dots.map((x, i) => x * factor - bound[i]);
      const l = line(lower, rows);
      if (want >= n || (l !== false && last * factor + worst < l)) {
        const keep: number[] = [];
        for (let i = 0; i < rows.length; i++) if (l === false || dots[i] * factor + bound[i] >= l) keep.push(rows[i]);
        return keep;
      }
      want = Math.min(n, want * 4);
    }
  }

  private accepted(top: ScanResult, accept: (group: number) => boolean): ScanResult {
    const keep: number[] = [];
    top.rows.forEach((row, i) => accept(this.groups[row]) && keep.push(i));
    return { rows: Int32Array.from(keep, (i) => top.rows[i]), dots: Float64Array.from(keep, (i) => top.dots[i]) };
  }

  /** Exact float32 dot products of the query with these rows. */
  private exact(query: Float32Array, rows: number[]): Float64Array {
    if (this.floats) return exactScores(query, this.floats, rows);
    return storedScores(query, this.reader!, Int32Array.from(rows, (r) => this.ids[r]));
  }

  /** Rows [from, to) as float32 (rows × dimension): from memory, from the codes, or from storage. */
  private floatRows(from: number, to: number): Float32Array {
    const d = this.dimension;
    if (this.floats) return this.floats.slice(from * d, to * d);
    if (this.codes) return Float32Array.from(this.codes.subarray(from * d, to * d), (c) => c * this.scale);
    return this.reader!.read(this.ids.slice(from, to));
  }

  /** Codes and error bounds of rows from `row` on (vectors: rows × dimension). */
  private quantise(row: number, vectors: Float32Array): void {
    const coded = int8Code(vectors, this.dimension, { fixed: this.scale }, this.codes!, row * this.dimension);
    this.errs.set(coded.errs, row);
    this.maxErr = Math.max(this.maxErr, Math.fround(coded.maxErr));
    this.maxNorm = Math.max(this.maxNorm, coded.maxNorm);
  }

  /**
   * Start building the graph when the index is big enough. It is built a slice at a time between
   * searches (the int8 scan answers meanwhile), so a big index never blocks its process for long.
   */
  private startGraph(): void {
    if (this.graph || this.rows < this.graphFrom) return;
    this.graph = new VectorGraph(this.dimension);
    this.graphRows = 0;
    this.scheduleSlice();
  }

  private scheduleSlice(): void {
    if (this.building) return;
    this.building = setImmediate(() => {
      this.building = null;
      if (!this.graph || this.graphReady) return;
      this.buildSlice();
      if (this.graphReady) this.onGraphReady?.();
      else this.scheduleSlice();
    });
    // A process with nothing else to do may exit with the graph half built: it is rebuilt when needed.
    this.building.unref();
  }

  private buildSlice(): void {
    const end = Math.min(this.rows, this.graphRows + GRAPH_SLICE);
    this.graph!.add(this.graphRows, this.floatRows(this.graphRows, end), this.threads);
    this.graphRows = end;
    // Every row is in the graph: it answers from now on, and the codes are no longer needed.
    if (this.graphReady) this.codes = null;
  }

  /** Back to the exact scan (the index shrank well below GRAPH_FROM): codes again from the float rows. */
  private leaveGraph(): void {
    if (this.building) clearImmediate(this.building);
    this.building = null;
    this.graph = null;
    this.graphRows = 0;
    if (this.codes) return;
    const d = this.dimension;
    this.codes = new Int8Array(this.ids.length * d);
    this.maxErr = 0;
    this.maxNorm = 0;
    const block = 4096;
    for (let from = 0; from < this.rows; from += block) this.quantise(from, this.floatRows(from, Math.min(this.rows, from + block)));
  }

  /**
   * Top k through the graph: candidates (4 per result, at least GRAPH_CANDIDATES) rescored exactly.
   * With a filter, more candidates until as many pass it; a filter so narrow that a sixteenth of the rows
   * does not hold k of its rows is answered by rescoring every row it accepts.
   */
  private graphSearch(query: Float32Array, k: number, accept?: (group: number) => boolean): VectorHit[] {
    const enough = Math.max(GRAPH_CANDIDATES, 4 * k);
    let want = enough;
    for (;;) {
      let rows = Array.from(this.graph!.search(query, Math.min(want, this.rows)));
      if (accept) rows = rows.filter((r) => accept(this.groups[r]));
      if (rows.length >= enough || want >= this.rows) return this.topExact(query, rows, k);
      want *= 8;
      if (want > this.rows / 16) {
        const all: number[] = [];
        for (const [group, list] of this.byGroup()) if (!accept || accept(group)) all.push(...list);
        return this.topExact(query, all, k);
      }
    }
  }

  /** Candidate rows for searchGroups through the graph: enough that kGroups groups show up. */
  private graphGroupCandidates(query: Float32Array, kGroups: number, perGroup: number): number[] {
    let want = Math.max(GRAPH_CANDIDATES, 4 * kGroups * perGroup);
    for (;;) {
      const rows = Array.from(this.graph!.search(query, Math.min(want, this.rows)));
      const groups = new Set(rows.map((r) => this.groups[r]));
      if (groups.size >= kGroups || want >= this.rows) return rows;
      want *= 4;
    }
  }

  private topExact(query: Float32Array, rows: number[], k: number): VectorHit[] {
    const scores = this.exact(query, rows);
    const best = new TopK(k);
    rows.forEach((row, i) => best.push(scores[i], row));
    return best.result().map((h) => ({ id: this.ids[h.corpusId], group: this.groups[h.corpusId], score: h.score }));
  }

  private byGroup(): Map<number, number[]> {
    if (!this.rowsByGroup) {
      const map = new Map<number, number[]>();
      for (let r = 0; r < this.rows; r++) {
        const list = map.get(this.groups[r]);
        if (list) list.push(r);
        else map.set(this.groups[r], [r]);
      }
      this.rowsByGroup = map;
    }
    return this.rowsByGroup;
  }

  private moveRow(from: number, to: number): void {
    const d = this.dimension;
    this.codes?.copyWithin(to * d, from * d, (from + 1) * d);
    this.floats?.copyWithin(to * d, from * d, (from + 1) * d);
    this.ids[to] = this.ids[from];
    this.groups[to] = this.groups[from];
    this.errs[to] = this.errs[from];
  }

  private grow(): void {
    const cap = this.ids.length * 2;
    const d = this.dimension;
    if (this.codes) {
      const codes = new Int8Array(cap * d);
      codes.set(this.codes);
      this.codes = codes;
    }
    if (this.floats) {
      const floats = new Float32Array(cap * d);
      floats.set(this.floats);
      this.floats = floats;
    }
    for (const key of ['ids', 'groups'] as const) {
      const a = new Int32Array(cap);
      a.set(this[key]);
      this[key] = a;
    }
    const errs = new Float32Array(cap);
    errs.set(this.errs);
    this.errs = errs;
  }
}
