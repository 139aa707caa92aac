/** TXT (one question a line), JSONL, JSON and Markdown FAQ readers. */
import { createInterface } from 'node:readline';
import { readFile } from 'node:fs/promises';
import type { ColumnChoice } from '../../shared/questions';
import { ColumnError, resolveKeys } from './columns';
import type { SourceRow } from '../extract/import-rows';
import type { LineDecoding } from '../text/decode-lines';
import { decodeText } from '../text/decode-text';

/** Lines of the decoded file; a line the decoder refused comes as its reason instead. */
async function* lines(text: LineDecoding): AsyncGenerator<[number, string] | SourceRow> {
  const rl = createInterface({ input: text.stream, crlfDelay: Infinity });
  let n = 0;
  for await (const line of rl) {
    const refused = text.refused.get(++n);
    yield refused ? { row: n, skip: refused } : [n, line];
  }
}

export async function* readTxt(text: LineDecoding): AsyncGenerator<SourceRow> {
  for await (const item of lines(text)) {
    if (!Array.isArray(item)) {
      yield item;
      continue;
    }
    const [row, line] = item;
    const question = line.replace(/\u0000/g, '').trim();
    yield question ? { row, question, answer: null, externalId: null } : { row, skip: 'empty line' };
  }
}

const str = (v: unknown): string | null => {
  if (v === null || v === undefined) return null;
  const s = (typeof v === 'string' ? v : typeof v === 'object' ? JSON.stringify(v) : String(v)).trim();
  return s || null;
};

/** One JSON value (a string, or an object with question/answer/id fields) as a row. */
function fromValue(row: number, value: unknown, choice: ColumnChoice): SourceRow {
  if (typeof value === 'string') return value.trim() ? { row, question: value.trim(), answer: null, externalId: null } : { row, skip: 'empty question' };
  if (!value || typeof value !== 'object' || Array.isArray(value)) return { row, skip: `expected a string or an object, found ${Array.isArray(value) ? 'an array' : typeof value}` };
  const obj = value as Record<string, unknown>;
  const keys = resolveKeys(Object.keys(obj), choice);
  if (!(keys.question in obj)) return { row, skip: `no "${keys.question}" field` };
  const question = str(obj[keys.question]);
  if (!question) return { row, skip: 'empty question' };
  return { row, question, answer: keys.answer ? str(obj[keys.answer]) : null, externalId: keys.id ? str(obj[keys.id]) : null };
}

/** A column choice naming a key that no object has is an error, like a missing CSV column. */
function checkChoice(first: unknown, choice: ColumnChoice): void {
  if (!first || typeof first !== 'object' || Array.isArray(first)) return;
  resolveKeys(Object.keys(first), choice); // throws ColumnError naming the keys there are
  for (const want of [choice.question, choice.answer, choice.id]) {
    if (typeof want === 'number') throw new ColumnError(`JSON objects have named fields; pick one of ${Object.keys(first).map((k) => `"${k}"`).join(', ')}`);
  }
}

export async function* readJsonl(text: LineDecoding, choice: ColumnChoice): AsyncGenerator<SourceRow> {
  let checked = false;
  for await (const item of lines(text)) {
    if (!Array.isArray(item)) {
      yield item;
      continue;
    }
    const [row, line] = item;
    if (!line.trim()) {
      yield { row, skip: 'empty line' };
      continue;
    }
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (err) {
      yield { row, skip: `not valid JSON (${err instanceof Error ? err.message : String(err)})` };
      continue;
    }
    if (!checked) {
      checkChoice(value, choice);
      checked = true;
    }
    yield fromValue(row, value, choice);
  }
}

/** A JSON array (or an object holding one array) of strings or objects; read whole. */
export async function readJson(file: string, choice: ColumnChoice): Promise<{ encoding: string; count: number; rows: AsyncIterable<SourceRow> }> {
  const { text, encoding } = decodeText(await readFile(file));
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw new Error(`not valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
  if (data && typeof data === 'object' && !Array.isArray(data)) {
    const arrays = Object.values(data).filter(Array.isArray);
    if (arrays.length === 1) data = arrays[0];
  }
  if (!Array.isArray(data)) throw new Error('expected a JSON array of questions (strings or objects)');
  const items = data as unknown[];
  const first = items.find((x) => x && typeof x === 'object');
  if (first) checkChoice(first, choice);
  return {
    encoding: encoding.label,
    count: items.length,
    rows: (async function* () {
      for (let i = 0; i < items.length; i++) yield fromValue(i + 1, items[i], choice);
    })(),
  };
}

/**
 * Markdown FAQ: each heading at the question level is a question, the text under it (up to the next
 * heading at that level or above) its answer. The question level is the most used heading level
 * (ties: the deeper), so a "# FAQ" title above "## …?" entries is not taken as a question.
 */
export function parseMarkdownFaq(text: string): SourceRow[] {
  const src = text.split(/\r?\n/);
  const headings: Array<{ line: number; level: number; text: string }> = [];
  let fence: string | null = null;
  src.forEach((l, i) => {
    const f = /^\s{0,3}(`{3,}|~{3,})/.exec(l);
    if (f) {
      if (!fence) fence = f[1][0];
      else if (f[1][0] === fence) fence = null;
      return;
    }
    if (fence) return;
    const h = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(l);
    if (h) headings.push({ line: i, level: h[1].length, text: h[2].trim() });
  });
  if (!headings.length) return [];
  const counts = new Map<number, number>();
  for (const h of headings) counts.set(h.level, (counts.get(h.level) ?? 0) + 1);
  const level = [...counts].sort((a, b) => b[1] - a[1] || b[0] - a[0])[0][0];
  const out: SourceRow[] = [];
  for (let k = 0; k < headings.length; k++) {
    const h = headings[k];
    if (h.level !== level) continue;
    const end = headings.slice(k + 1).find((x) => x.level <= level)?.line ?? src.length;
    const answer = src.slice(h.line + 1, end).join('\n').trim() || null;
    out.push(h.text ? { row: h.line + 1, question: h.text, answer, externalId: null } : { row: h.line + 1, skip: 'empty heading' });
  }
  return out;
}
