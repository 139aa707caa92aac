/** What every reader yields: one row of the source, or a row that could not be used and why. */
import type { ColumnChoice, ImportFormat } from '../../shared/questions';
import type { ResolvedColumns } from './columns';

export interface QuestionRow {
  /** 1-based line (text formats), record (JSON array) or sheet row (XLSX). */
  row: number;
  question: string;
  answer: string | null;
  externalId: string | null;
}

export interface SkippedSourceRow {
  row: number;
  skip: string;
}

export type SourceRow = QuestionRow | SkippedSourceRow;

/** How far the reading of an import file is. */
export interface ReadProgress {
  /** Bytes of the file read so far (all of it, for formats read whole). */
  bytesRead: number;
  /** Size of the file. */
  bytesTotal: number;
  /** Rows the file holds, counted before they are read (lines for text formats); null when unknown. */
  rowsTotal: number | null;
}

export interface OpenedSource {
  format: ImportFormat;
  /** The encoding found; for line-by-line formats final only once every row is read. */
  readonly encoding: string;
  rows: AsyncIterable<SourceRow>;
  progress(): ReadProgress;
}

export interface ReadOptions {
  columns: ColumnChoice;
  header: boolean | 'auto';
  sheet?: string | number;
}

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
