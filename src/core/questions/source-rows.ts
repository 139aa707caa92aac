/** The table readers' one rule for a row: empty, ragged and short rows are skipped with a reason. */
import type { SourceRow } from '../extract/import-rows';
import type { ResolvedColumns } from './columns';

const clean = (v: string | undefined) => (v === undefined ? '' : v.replace(/\u0000/g, '').trim());

/** Turn the cells of one table row into a question row (or a reason to skip it). */
export function rowFromCells(row: number, cells: string[], cols: ResolvedColumns, width: number | null): SourceRow {
  if (cells.every((c) => clean(c) === '')) return { row, skip: 'empty row' };
  if (width !== null && cells.length !== width) {
    return { row, skip: `ragged row: ${cells.length} field${cells.length === 1 ? '' : 's'}, expected ${width}` };
  }
  if (cols.question >= cells.length) return { row, skip: `no question: the row has ${cells.length} fields, the question is field ${cols.question + 1}` };
  const question = clean(cells[cols.question]);
  if (!question) return { row, skip: 'empty question' };
  const answer = cols.answer === null ? null : clean(cells[cols.answer]) || null;
  const externalId = cols.id === null ? null : clean(cells[cols.id]) || null;
  return { row, question, answer, externalId };
}
