/** Open an import file: pick the reader by format (or extension) and the text encoding. */
import iconv from 'iconv-lite';
import { extname } from 'node:path';
import { stat } from 'node:fs/promises';
import { readFile } from 'node:fs/promises';
import type { ImportFormat } from '../../shared/questions';
import type { OpenedSource, ReadOptions, SourceRow } from './source-rows';
import { readDelimited, readXlsx, sniffDelimiter } from './table-readers';
import { parseMarkdownFaq, readJson, readJsonl, readTxt } from './text-readers';
import { decodeLines, decodeText, readHead, sniffEncoding } from '../text/decode-text';

const BY_EXTENSION: Record<string, ImportFormat> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.txt': 'txt',
  '.text': 'txt',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.xlsx': 'xlsx',
  '.md': 'md',
  '.markdown': 'md',
};

export function formatOf(file: string, forced?: ImportFormat): ImportFormat {
  if (forced) return forced;
  const f = BY_EXTENSION[extname(file).toLowerCase()];
  if (!f) throw new Error(`don't know how to read "${extname(file) || file}" files; use .csv, .tsv, .txt, .json, .jsonl, .xlsx or .md (or pass a format)`);
  return f;
}

export async function openSource(file: string, format: ImportFormat, options: ReadOptions): Promise<OpenedSource> {
  const info = await stat(file);
  if (!info.isFile()) throw new Error(`${file} is not a file`);
  if (format === 'xlsx') return { format, encoding: 'xlsx', rows: readXlsx(file, options) };
  if (format === 'json') return { format, ...(await readJson(file, options.columns)) };
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
    };
  }
  // Line by line, so a file whose rows came from differently encoded sources still reads.
  const text = decodeLines(file, enc, head);
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
  };
}
