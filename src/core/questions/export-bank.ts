/** Write questions, duplicate pairs or clusters to CSV (RFC 4180 quoting) or JSONL, streamed. */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

export function csvField(v: string | number | null | undefined): string {
  const s = v === null || v === undefined ? '' : String(v);
  return /[",\r\n]/.test(s) || /^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Write records; `columns` fixes the CSV header and field order. Returns the number written. */
export async function writeRecords(file: string, format: 'csv' | 'jsonl', columns: string[], records: Iterable<Record<string, unknown>>): Promise<number> {
  const out = createWriteStream(file, { encoding: 'utf8' });
  const write = async (s: string) => {
    if (!out.write(s)) await once(out, 'drain');
  };
  let n = 0;
  if (format === 'csv') await write(columns.join(',') + '\r\n');
  for (const r of records) {
    if (format === 'csv') await write(columns.map((c) => csvField(r[c] as string | number | null)).join(',') + '\r\n');
    else await write(JSON.stringify(Object.fromEntries(columns.map((c) => [c, r[c] ?? null]))) + '\n');
    n++;
  }
  out.end();
  await once(out, 'finish');
  return n;
}

export function exportFormatOf(file: string, format?: 'csv' | 'jsonl'): 'csv' | 'jsonl' {
  if (format) return format;
  return /\.jsonl?$|\.ndjson$/i.test(file) ? 'jsonl' : 'csv';
}
