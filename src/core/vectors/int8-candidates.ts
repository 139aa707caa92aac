/**
 * The exact search's first step: the int8 scan (int8-scan.ts) returns the rows with the largest
 * integer dot products, and each row's rounding error (int8-code.ts) bounds how far its real score can
 * be: only rows whose upper bound reaches the line a caller draws from the lower bounds need the
 * float32 rescoring. If the candidates do not reach below the line, the scan is repeated with more.
 */
import { dotErrorBound, int8Code } from './int8-code';
import { int8TopRows, type ScanResult } from './int8-scan';
import type { VectorRows } from './vector-rows';

/**
 * The line no row below it can cross into the result, drawn from the candidates' lower bounds (each
 * the row's approximate score minus its error bound); false when the list is too short to tell.
 */
export type Line = (lower: Float64Array, rows: Int32Array) => number | false;

/**
 * The rows that must be rescored in float: every row whose score could reach the line. Each row's
 * error bound is its own (‖e_q‖‖v‖ + ‖sq q̂‖‖e_v‖); rows the scan did not return have approx scores at
 * most the last candidate's, and the largest error, so the scan is repeated with more candidates until
 * even that is below the line. Scanning 1,024 rows costs about the same as 128: one pass nearly always
 * does. With `accept`, only rows of the groups it accepts (search filters) take part.
 */
export function int8Candidates(store: VectorRows, query: Float32Array, line: Line, accept: ((group: number) => boolean) | undefined, threads: number): number[] {
  const d = store.dimension;
  if (query.length !== d) throw new Error(`query has ${query.length} dimensions, the index ${d}`);
  const n = store.size;
  const q = int8Code(query, d, 'per-row');
  const qErr = q.errs[0];
  const qHat = q.maxCodeNorm;
  const worst = dotErrorBound(qErr, store.maxNorm, qHat, store.maxErr);
  const factor = q.steps[0] * store.scale;
  let want = Math.min(n, 1024);
  for (;;) {
    const top = int8TopRows(store.codes!, n, d, q.codes, want, threads);
    // Rows of groups a filter leaves out take no part in the line; rows beyond the scan are still
    // bounded by its last (unfiltered) candidate, so the stopping rule below stays sound.
    const { rows, dots } = accept ? accepted(store, top, accept) : top;
    const last = top.dots[top.dots.length - 1];
    const bound = Float64Array.from(rows, (r) => dotErrorBound(qErr, store.maxNorm, qHat, store.errs[r]));
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

function accepted(store: VectorRows, top: ScanResult, accept: (group: number) => boolean): ScanResult {
  const keep: number[] = [];
  top.rows.forEach((row, i) => accept(store.groups[row]) && keep.push(i));
  return { rows: Int32Array.from(keep, (i) => top.rows[i]), dots: Float64Array.from(keep, (i) => top.dots[i]) };
}
