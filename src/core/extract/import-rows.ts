/**
 * What every question-bank import reader yields: one row of the source, or a row that could not be used
 * and why. The types live with the reading process (extract/), which runs the readers and sends their
 * rows back, so it need not reach up into questions/ for them.
 */
import type { ColumnChoice, ImportFormat } from '../../shared/questions';

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
