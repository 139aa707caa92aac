/**
 * Line-based imports (CSV, TSV, TXT, JSONL) decoded row by row: files put together from several
 * sources carry UTF-8, Latin-1 and Shift-JIS rows side by side, so each row that is not valid UTF-8
 * is decoded with the encoding that fits it, and a row nothing fits is refused by line number.
 */
import iconv from 'iconv-lite';
import { createReadStream } from 'node:fs';
import { Transform, type TransformCallback } from 'node:stream';
import type { TextEncoding } from './byte-signs';
import { implausibility, legacyGuesses } from './legacy-encodings';
import { fatalUtf8, isAscii, isUtf8 } from './utf8';

/**
 * Decodes one line (without its line break) that is not UTF-8: every candidate encoding is tried and
 * the most plausible clean decoding wins; the file's own guesses come first, so a short line that
 * decodes equally well as GBK and as Shift-JIS takes the encoding of the rest of the file.
 */
class LineGuesser {
  private readonly fileGuesses: string[];

  constructor(head: Uint8Array) {
    const foreign: Uint8Array[] = [];
    forEachLine(head, (line) => {
      if (!isAscii(line) && !isUtf8(line)) foreign.push(line);
    });
    this.fileGuesses = foreign.length ? legacyGuesses(Buffer.concat(foreign), 10).map((g) => g.name) : [];
  }

  decode(line: Uint8Array): { text: string; encoding: string } | null {
    const candidates = [...new Set([...this.fileGuesses, ...legacyGuesses(line, 30).map((g) => g.name), 'windows-1252'])];
    let best: { text: string; encoding: string; penalty: number } | null = null;
    for (const name of candidates) {
      const text = iconv.decode(Buffer.from(line.buffer, line.byteOffset, line.byteLength), name);
      const penalty = implausibility(text);
      if (!best || penalty < best.penalty) best = { text, encoding: name, penalty };
    }
    if (!best || best.penalty >= 100) return null;
    const nonAscii = best.text.match(/[^\x00-\x7F]/g)?.length ?? 0;
    return best.penalty <= Math.max(2, nonAscii * 0.25) ? best : null;
  }
}

/** Each line of `b` without its ending, and that ending ("\r\n", "\n", or "" for the last line). */
function forEachLine<B extends Uint8Array>(b: B, fn: (line: B, end: string) => void): void {
  let start = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, start)) {
    const cr = i > start && b[i - 1] === 13;
    fn(b.subarray(start, cr ? i - 1 : i) as B, cr ? '\r\n' : '\n');
    start = i + 1;
  }
  if (start < b.length) fn(b.subarray(start) as B, '');
}

/** What decodeLines saw: rows it refused (by 1-based line), and the encodings it used. */
export interface LineDecoding {
  /** Text stream; a refused line is passed on as an empty line, so line numbers stay true. */
  stream: NodeJS.ReadableStream;
  /** 1-based line number → why it could not be decoded. Filled ahead of the consumer. */
  refused: Map<number, string>;
  /** The encoding(s) found so far: "UTF-8", "Shift_JIS", or "mixed by row: UTF-8 12, windows-1252 3". */
  label(): string;
  /** Bytes of the file read so far. */
  bytesRead(): number;
}

/**
 * A file as text, line by line: valid UTF-8 stays UTF-8, other lines take the encoding that fits
 * them, and a line nothing fits is refused. UTF-16 files are decoded as a whole.
 */
export function decodeLines(file: string, enc: TextEncoding, head: Uint8Array): LineDecoding {
  const raw = createReadStream(file, { start: enc.bom, highWaterMark: 1 << 20 });
  const refused = new Map<number, string>();
  const bytesRead = () => raw.bytesRead + enc.bom;
  if (/^utf-16/.test(enc.iconv)) return { stream: raw.pipe(iconv.decodeStream(enc.iconv)), refused, label: () => enc.label, bytesRead };
  const used = new Map<string, number>();
  const guesser = new LineGuesser(head);
  let lineNo = 0;
  let rest: Buffer = Buffer.alloc(0);
  const note = (name: string) => used.set(name, (used.get(name) ?? 0) + 1);

  const decodeRegion = (region: Buffer): string => {
    // The common case: the whole region is UTF-8 and goes through in one native call.
    try {
      const text = fatalUtf8.decode(region);
      const lines = countLines(region);
      if (!isAscii(region)) note('UTF-8');
      lineNo += lines;
      return text;
    } catch {
      // some line here is not UTF-8: decode line by line
    }
    const parts: string[] = [];
    forEachLine(region, (line, end) => {
      lineNo++;
      let text: string;
      if (isAscii(line)) text = line.toString('latin1');
      else if (isUtf8(line)) {
        text = line.toString('utf8');
        note('UTF-8');
      } else {
        const got = guesser.decode(line);
        if (got) {
          text = got.text;
          note(got.encoding);
        } else {
          text = '';
          refused.set(lineNo, `could not be decoded: not UTF-8, and no encoding fits it (bytes ${hexSample(line)})`);
        }
      }
      parts.push(text + end);
    });
    return parts.join('');
  };

  const stream = new Transform({
    readableObjectMode: false,
    decodeStrings: true,
    transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback) {
      const data = rest.length ? Buffer.concat([rest, chunk]) : chunk;
      const cut = data.lastIndexOf(10) + 1;
      rest = Buffer.from(data.subarray(cut));
      if (cut > 0) this.push(decodeRegion(data.subarray(0, cut)), 'utf8');
      done();
    },
    flush(done: TransformCallback) {
      if (rest.length) this.push(decodeRegion(rest), 'utf8');
      done();
    },
  });
  stream.setEncoding('utf8');
  raw.on('error', (err) => stream.destroy(err));
  raw.pipe(stream);
  return {
    stream,
    refused,
    bytesRead,
    label() {
      if (used.size === 0) return enc.label === 'mixed' ? 'UTF-8' : enc.label;
      if (used.size === 1) return [...used.keys()][0];
      return `mixed by row: ${[...used].sort((a, b) => b[1] - a[1]).map(([n, c]) => `${n} ${c}`).join(', ')}`;
    },
  };
}

function countLines(b: Uint8Array): number {
  let n = 0;
  for (let i = b.indexOf(10); i >= 0; i = b.indexOf(10, i + 1)) n++;
  if (b.length && b[b.length - 1] !== 10) n++;
  return n;
}

function hexSample(line: Uint8Array): string {
  const i = Math.max(0, line.findIndex((b) => b >= 0x80));
  const bytes = [...line.subarray(i, i + 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return `${bytes}${line.length > i + 8 ? ' …' : ''} at column ${i + 1}`;
}
