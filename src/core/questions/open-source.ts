/** Open an import file: pick the reader by format and the text encoding. */
import iconv from 'iconv-lite';
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import type { ImportFormat } from '../../shared/questions';
import type { OpenedSource, ReadOptions, SourceRow } from '../extract/import-rows';
import { readDelimited, readXlsx, sniffDelimiter } from './table-readers';
import { parseMarkdownFaq, readJson, readJsonl, readTxt } from './text-readers';
import { decodeLines } from '../text/decode-lines';
import { decodeText, readHead, sniffEncoding } from '../text/decode-text';

/**
 * Open an import file. Runs in the reading process (IsolatedExtractor.readRows), never in the process
 * that serves the UI: a hostile file costs that process only.
 */
export async function openSource(file: string, format: ImportFormat, options: ReadOptions): Promise<OpenedSource> {
  const info = await stat(file);
  if (!info.isFile()) throw new Error(`${file} is not a file`);
  const whole = (rowsTotal: number | null) => () => ({ bytesRead: info.size, bytesTotal: info.size, rowsTotal });
  if (format === 'xlsx') {
    const sheet = await readXlsx(file, options);
    return { format, encoding: 'xlsx', rows: sheet.rows, progress: whole(sheet.rowCount) };
  }
  if (format === 'json') {
    const json = await readJson(file, options.columns);
    return { format, encoding: json.encoding, rows: json.rows, progress: whole(json.count) };
  }
  const { head, complete } = await readHead(file);
  const enc = sniffEncoding(head, complete);
  if (format === 'md') {
    const { text, encoding } = decodeText(await readFile(file));
    const all = parseMarkdownFaq(text);
    return {
      format,
      encoding: encoding.label,
      rows: (async function* () {
        yield* all;
      })(),
      progress: whole(all.length),
    };
  }
  // Line by line, so a file whose rows came from differently encoded sources still reads.
  const text = decodeLines(file, enc, head);
  // Counted ahead (a native scan, ~1 s for 500 MB) so progress can say "row 1,200 of 5,000".
  const lines = (await countLines(file)) - (format === 'txt' || format === 'jsonl' ? 0 : 1);
  let rows: AsyncIterable<SourceRow>;
  if (format === 'txt') rows = readTxt(text);
  else if (format === 'jsonl') rows = readJsonl(text, options.columns);
  else {
    const sample = iconv.decode(head.subarray(enc.bom, 8192), enc.iconv);
    rows = readDelimited(text, sniffDelimiter(sample, format === 'tsv' ? '\t' : ','), options);
  }
  return {
    format,
    get encoding() {
      return text.label();
    },
    rows,
    progress: () => ({ bytesRead: text.bytesRead(), bytesTotal: info.size, rowsTotal: lines }),
  };
}

/** Lines in a file (a last line without a line break counts). */
async function countLines(file: string): Promise<number> {
  let n = 0;
  let last = 10;
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) {
    for (let i = chunk.indexOf(10); i >= 0; i = chunk.indexOf(10, i + 1)) n++;
    if (chunk.length) last = chunk[chunk.length - 1];
  }
  return last === 10 ? n : n + 1;
}
