/**
 * CSV/TSV (streamed through csv-parse, so a 500 MB file never sits in memory) and XLSX (extract/xlsx.ts).
 * The first row is a header when asked, when the chosen columns are names, or when it looks like one.
 */
import { parse } from 'csv-parse';
import { readFile } from 'node:fs/promises';
import type { ColumnChoice } from '../../shared/questions';
import { choiceNeedsHeader, looksLikeHeader, resolveColumns, type ResolvedColumns } from './columns';
import type { ReadOptions, SourceRow } from '../extract/import-rows';
import { rowFromCells } from './source-rows';
import { openXlsx, type SheetCells } from '../extract/xlsx';
import type { LineDecoding } from '../text/decode-lines';

/** Pick the delimiter that splits the first line most (outside quotes). */
export function sniffDelimiter(sample: string, fallback: string): string {
  const line = sample.split(/\r?\n/, 1)[0] ?? '';
  let best = fallback;
  let bestCount = 0;
  for (const d of [',', '\t', ';', '|']) {
    let n = 0;
    let quoted = false;
    for (const ch of line) {
      if (ch === '"') quoted = !quoted;
      else if (ch === d && !quoted) n++;
    }
    if (n > bestCount || (n === bestCount && d === fallback)) {
      best = n > 0 || d === fallback ? d : best;
      bestCount = n;
    }
  }
  return best;
}

function headerDecision(first: string[], options: ReadOptions): boolean {
  if (options.header === true || options.header === false) return options.header;
  return choiceNeedsHeader(options.columns) || looksLikeHeader(first, options.columns);
}

/** Rows of a delimited text file. Throws ColumnError (before yielding any row) for a bad column choice. */
export async function* readDelimited(text: LineDecoding, delimiter: string, options: ReadOptions): AsyncGenerator<SourceRow> {
  const skipped: SourceRow[] = [];
  const parser = text.stream.pipe(
    parse({
      delimiter,
      relax_column_count: true,
      relax_quotes: true,
      skip_empty_lines: false,
      skip_records_with_error: true,
      info: true,
      bom: true,
    }),
  );
  parser.on('skip', (err: Error & { lines?: number }) => {
    skipped.push({ row: err.lines ?? 0, skip: `unreadable row: ${err.message.replace(/^Invalid [^:]*: /, '')}` });
  });
  let cols: ResolvedColumns | null = null;
  let width: number | null = null;
  for await (const { record, info } of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
    while (skipped.length) yield skipped.shift()!;
    const row = info.lines;
    const refused = text.refused.get(row);
    if (refused) {
      yield { row, skip: refused };
      continue;
    }
    if (!cols) {
      if (record.length === 1 && record[0].trim() === '') {
        yield { row, skip: 'empty row' };
        continue;
      }
      const isHeader = headerDecision(record, options);
      cols = resolveColumns(isHeader ? record.map((c) => c.trim()) : null, record.length, options.columns);
      width = record.length;
      if (isHeader) continue;
    }
    yield rowFromCells(row, record, cols, width);
  }
  while (skipped.length) yield skipped.shift()!;
}

/**
 * One sheet of an .xlsx workbook (extract/xlsx.ts reads the cells; only the parts it needs are
 * inflated, each counted, so a zip bomb is refused on what it really unpacks to).
 */
export async function readXlsx(file: string, options: ReadOptions & { columns: ColumnChoice }): Promise<{ rowCount: number; rows: AsyncGenerator<SourceRow> }> {
  const book = openXlsx(await readFile(file));
  const names = book.sheetNames;
  const want = options.sheet;
  const index = want === undefined ? 0 : typeof want === 'number' || /^\d+$/.test(want) ? Number(want) - 1 : names.indexOf(want);
  if (!(index >= 0 && index < names.length)) throw new Error(`sheet "${want ?? 1}" not found; the workbook has ${names.map((s) => `"${s}"`).join(', ') || 'no sheets'}`);
  const sheet = book.sheet(index);
  return { rowCount: sheet.rowCount, rows: sheetRows(sheet, options) };
}

async function* sheetRows(sheet: SheetCells, options: ReadOptions): AsyncGenerator<SourceRow> {
  let cols: ResolvedColumns | null = null;
  let width = 0;
  for (let r = 1; r <= sheet.rowCount; r++) {
    const cells = sheet.row(r);
    if (!cols) {
      if (cells.every((c) => c.trim() === '')) continue; // leading blank rows before the table
      const isHeader = headerDecision(cells, options);
      width = Math.max(cells.length, sheet.columnCount);
      while (cells.length < width) cells.push('');
      cols = resolveColumns(isHeader ? cells.map((c) => c.trim()) : null, width, options.columns);
      if (isHeader) continue;
    }
    while (cells.length < width) cells.push('');
    // Sheets have no ragged rows: a short row just has empty cells at the end.
    yield rowFromCells(r, cells, cols, null);
  }
}
