/**
 * The rows of a vector index: ids, groups, int8 codes with each row's rounding error, and float32 rows
 * in memory or through a reader. Rows are numbered 0..size−1 with no gaps: a removed row's hole is
 * filled with the last row, so the int8 scan reads one dense block.
 */
import { exactScores, storedScores, type FloatRows } from './exact-scores';
import { int8Code } from './int8-code';

/** What the rows hold, as saved (vector-file.ts) and restored. */
export interface RowsState {
  dimension: number;
  rows: number;
  scale: number;
  maxErr: number;
  maxNorm: number;
  /** Each at least `rows` long (codes rows × dimension, at offset 0 of its buffer). */
  ids: Int32Array;
  groups: Int32Array;
  errs: Float32Array;
  /** null when a graph holds every row (the index keeps no int8 rows then). */
  codes: Int8Array | null;
}

export class VectorRows {
  /** int8 rows for the exact scan; null once a graph holds every row (a million rows: 384 MB saved). */
  codes: Int8Array | null;
  private floats: Float32Array | null;
  ids: Int32Array;
  groups: Int32Array;
  /** Per row: ‖v − scale·code‖. */
  errs: Float32Array;
  size = 0;
  /** Largest row error and norm ever added (never lowered on removal: the bound stays valid). */
  maxErr = 0;
  maxNorm = 0;
  /** Built on the first removal: question banks never remove, so they never pay for it. */
  private rowsByGroup: Map<number, number[]> | null = null;

  constructor(
    readonly dimension: number,
    /** int8 step: value ≈ scale × code. */
    readonly scale: number,
    private readonly reader: FloatRows | null,
    capacity: number,
  ) {
    this.codes = new Int8Array(capacity * dimension);
    this.floats = reader ? null : new Float32Array(capacity * dimension);
    this.ids = new Int32Array(capacity);
    this.groups = new Int32Array(capacity);
    this.errs = new Float32Array(capacity);
  }

  /** Take over saved rows (a reader gives their floats). */
  restore(state: RowsState): void {
    const { codes, ids, groups, errs, rows, maxErr, maxNorm } = state;
    if (codes && (codes.byteOffset !== 0 || codes.length < rows * this.dimension)) throw new Error('saved codes must fill their own buffer');
    Object.assign(this, { codes, ids, groups, errs, size: rows, maxErr, maxNorm, rowsByGroup: null });
  }

  /** The rows as saved (views, valid until the next change). */
  state(): RowsState {
    const { dimension, size: rows, scale, maxErr, maxNorm, ids, groups, errs, codes } = this;
    return { dimension, rows, scale, maxErr, maxNorm, ids, groups, errs, codes };
  }

  /** Bytes held for the rows (codes, ids, groups, errors and floats if kept). */
  get bytes(): number {
    return (this.codes?.byteLength ?? 0) + (this.floats?.byteLength ?? 0) + this.ids.byteLength * 3;
  }

  /** Add a row; returns its number. */
  add(id: number, vector: Float32Array, group: number): number {
    const d = this.dimension;
    if (vector.length !== d) throw new Error(`vector has ${vector.length} dimensions, the index ${d}`);
    if (this.size === this.ids.length) this.grow();
    const row = this.size++;
    if (this.codes) this.quantise(row, vector);
    this.floats?.set(vector, row * d);
    this.ids[row] = id;
    this.groups[row] = group;
    if (this.rowsByGroup) {
      const list = this.rowsByGroup.get(group);
      if (list) list.push(row);
      else this.rowsByGroup.set(group, [row]);
    }
    return row;
  }

  /**
   * Drop every row of these groups in one pass; returns how many were removed. Each hole is filled
   * with the last row, and `onHole(hole, last)` told after it (hole === last: nothing moved).
   */
  removeGroups(groups: Iterable<number>, onHole?: (hole: number, last: number) => void): number {
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
      const last = --this.size;
      if (hole !== last) {
        this.moveRow(last, hole);
        const moved = map.get(this.groups[hole])!;
        moved[moved.indexOf(last)] = hole;
      }
      onHole?.(hole, last);
    }
    return holes.length;
  }

  clear(): void {
    this.size = 0;
    this.rowsByGroup = null;
  }

  /** Row numbers by group. */
  byGroup(): Map<number, number[]> {
    if (!this.rowsByGroup) {
      const map = new Map<number, number[]>();
      for (let r = 0; r < this.size; r++) {
        const list = map.get(this.groups[r]);
        if (list) list.push(r);
        else map.set(this.groups[r], [r]);
      }
      this.rowsByGroup = map;
    }
    return this.rowsByGroup;
  }

  /** The float rows as one matrix with their ids (views, valid until the next change); memory mode only. */
  vectors(): { ids: Int32Array; matrix: Float32Array } {
    if (!this.floats) throw new Error('this index reads its float rows from storage; it holds no matrix');
    return { ids: this.ids.subarray(0, this.size), matrix: this.floats.subarray(0, this.size * this.dimension) };
  }

  /** Exact float32 dot products of the query with these rows. */
  exact(query: Float32Array, rows: number[]): Float64Array {
    if (this.floats) return exactScores(query, this.floats, rows);
    return storedScores(query, this.reader!, Int32Array.from(rows, (r) => this.ids[r]));
  }

  /** Rows [from, to) as float32 (rows × dimension): from memory, from the codes, or from storage. */
  floatRows(from: number, to: number): Float32Array {
    const d = this.dimension;
    if (this.floats) return this.floats.slice(from * d, to * d);
    if (this.codes) return Float32Array.from(this.codes.subarray(from * d, to * d), (c) => c * this.scale);
    return this.reader!.read(this.ids.slice(from, to));
  }

  /** Codes again from the float rows (a graph held every row and the codes were let go). */
  recode(): void {
    if (this.codes) return;
    this.codes = new Int8Array(this.ids.length * this.dimension);
    this.maxErr = 0;
    this.maxNorm = 0;
    const block = 4096;
    for (let from = 0; from < this.size; from += block) this.quantise(from, this.floatRows(from, Math.min(this.size, from + block)));
  }

  /** Codes and error bounds of rows from `row` on (vectors: rows × dimension). */
  private quantise(row: number, vectors: Float32Array): void {
    const coded = int8Code(vectors, this.dimension, { fixed: this.scale }, this.codes!, row * this.dimension);
    this.errs.set(coded.errs, row);
    this.maxErr = Math.max(this.maxErr, Math.fround(coded.maxErr));
    this.maxNorm = Math.max(this.maxNorm, coded.maxNorm);
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
