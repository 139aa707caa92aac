/**
 * A large index's graph (vector-graph.ts), built a slice at a time between searches so a big index
 * never blocks its process for long (the int8 scan answers meanwhile), kept in step with the rows as
 * they are added and holes are filled, and left again when the index shrinks.
 */
import { VectorGraph } from './vector-graph';
import type { VectorRows } from './vector-rows';

/** Rows added to a graph being built per turn of the event loop (≈ 0.1–0.3 s; searches wait no longer). */
const GRAPH_SLICE = 256;
/** Candidates taken from the graph and rescored exactly, at least (and 4 per result asked for). */
const GRAPH_CANDIDATES = 64;

export class GraphInSlices {
  /** The graph over rows [0, rows); it answers searches once it holds every row. */
  private graph: VectorGraph | null = null;
  private rows = 0;
  private building: NodeJS.Immediate | null = null;

  constructor(
    private readonly store: VectorRows,
    /** Rows from which a graph answers; below half of it the index goes back to the exact scan. */
    private readonly from: number,
    private readonly threads: number,
    private readonly onReady: (() => void) | undefined,
  ) {}

  /** Whether the graph answers searches (it holds every row). */
  get ready(): boolean {
    return this.graph !== null && this.rows === this.store.size;
  }

  /** None (the exact scan answers), building (rows in it so far; the scan answers), or ready. */
  get state(): { state: 'none' | 'building' | 'ready'; rows: number } {
    if (!this.graph) return { state: 'none', rows: 0 };
    return { state: this.ready ? 'ready' : 'building', rows: this.rows };
  }

  /** The graph to save beside the rows: only one that holds every row. */
  get saved(): VectorGraph | null {
    return this.ready ? this.graph : null;
  }

  /** A saved graph holding every row. */
  adopt(graph: VectorGraph): void {
    this.graph = graph;
    this.rows = this.store.size;
  }

  /** Start building when the index is big enough. */
  start(): void {
    if (this.graph || this.store.size < this.from) return;
    this.graph = new VectorGraph(this.store.dimension);
    this.rows = 0;
    this.scheduleSlice();
  }

  /** Finish building now (tests, benchmarks); the app lets it build between searches. */
  finish(): void {
    while (this.graph && !this.ready) this.buildSlice();
  }

  /** Row `row` was added; `wasReady`: the graph held every row before it. */
  added(row: number, vector: Float32Array, wasReady: boolean): void {
    if (wasReady) {
      this.graph!.add(row, vector);
      this.rows = this.store.size;
    } else if (!this.graph) this.start();
  }

  /**
   * The rows filled hole `hole` with their last row `last` (the same: nothing moved). The graph knows
   * rows by number: the hole's entry goes, the last row's entry moves to the hole — re-added from its
   * float vector, which a reader can only give for rows still stored (a folder's files leave the
   * database first).
   */
  filledHole(hole: number, last: number): void {
    const g = this.graph;
    if (g && hole < this.rows) g.remove(hole);
    if (g && hole !== last) {
      if (last < this.rows) g.remove(last);
      if (hole < this.rows) g.add(hole, this.store.floatRows(hole, hole + 1));
    }
    this.rows = Math.min(this.rows, this.store.size);
  }

  /** After removals: back to the exact scan when the index shrank below half of `from`. */
  shrunk(): void {
    if (this.graph && this.store.size < this.from / 2) this.leave();
  }

  /** Back to the exact scan: codes again from the float rows. */
  leave(): void {
    if (this.building) clearImmediate(this.building);
    this.building = null;
    this.graph = null;
    this.rows = 0;
    this.store.recode();
  }

  /**
   * Rows to rescore for the top k: candidates (4 per result, at least GRAPH_CANDIDATES). With a
   * filter, more candidates until as many pass it; a filter so narrow that a sixteenth of the rows does
   * not hold k of its rows is answered with every row it accepts.
   */
  candidates(query: Float32Array, k: number, accept?: (group: number) => boolean): number[] {
    const n = this.store.size;
    const enough = Math.max(GRAPH_CANDIDATES, 4 * k);
    let want = enough;
    for (;;) {
      let rows = Array.from(this.graph!.search(query, Math.min(want, n)));
      if (accept) rows = rows.filter((r) => accept(this.store.groups[r]));
      if (rows.length >= enough || want >= n) return rows;
      want *= 8;
      if (want > n / 16) {
        const all: number[] = [];
        for (const [group, list] of this.store.byGroup()) if (!accept || accept(group)) all.push(...list);
        return all;
      }
    }
  }

  /** Candidate rows for a group search: enough that kGroups groups show up. */
  groupCandidates(query: Float32Array, kGroups: number, perGroup: number): number[] {
    const n = this.store.size;
    let want = Math.max(GRAPH_CANDIDATES, 4 * kGroups * perGroup);
    for (;;) {
      const rows = Array.from(this.graph!.search(query, Math.min(want, n)));
      const groups = new Set(rows.map((r) => this.store.groups[r]));
      if (groups.size >= kGroups || want >= n) return rows;
      want *= 4;
    }
  }

  private scheduleSlice(): void {
    if (this.building) return;
    this.building = setImmediate(() => {
      this.building = null;
      if (!this.graph || this.ready) return;
      this.buildSlice();
      if (this.ready) this.onReady?.();
      else this.scheduleSlice();
    });
    // A process with nothing else to do may exit with the graph half built: it is rebuilt when needed.
    this.building.unref();
  }

  private buildSlice(): void {
    const end = Math.min(this.store.size, this.rows + GRAPH_SLICE);
    this.graph!.add(this.rows, this.store.floatRows(this.rows, end), this.threads);
    this.rows = end;
    // Every row is in the graph: it answers from now on, and the codes are no longer needed.
    if (this.ready) this.store.codes = null;
  }
}
