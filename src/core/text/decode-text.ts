/**
 * The one text decoder: bytes → string for indexed text files and for question-bank imports. BOMs,
 * UTF-16 without a BOM, strict UTF-8, and legacy 8-bit/CJK encodings recognised by chardet and
 * decoded with iconv-lite. Binary content, damaged UTF-8 and mojibake are refused with a reason
 * instead of stored as garbage.
 *
 * Two ways in: `decodeText` for a whole document (one file is one encoding, or it is refused), and
 * `decodeLines` for line-based imports (CSV, TSV, TXT, JSONL), where files put together from several
 * sources carry UTF-8, Latin-1 and Shift-JIS rows side by side: each row that is not valid UTF-8 is
 * decoded with the encoding that fits it, and a row nothing fits is refused by line number.
 */
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';

/** Bytes looked at to decide a file's encoding. */
export const SNIFF_BYTES = 65536;
/** Below this chardet confidence (0–100) a non-UTF-8 document is refused rather than guessed at. */
const MIN_CONFIDENCE = 50;
/** chardet gives real CJK text of a sentence or more 100; random high bytes score ~50 as Shift_JIS. */
const MIN_MULTIBYTE_CONFIDENCE = 80;
const MULTIBYTE = /^(GB|Big5|Shift_JIS|EUC-|ISO-2022)/i;

/** The bytes cannot be read as text; the message says why, for the user. */
export class NotTextError extends Error {
  override name = 'NotTextError';
}

export interface TextEncoding {
  /** Name for iconv-lite. */
  iconv: string;
  /** Name to show (e.g. "UTF-8", "UTF-16LE", "GB18030", "Shift_JIS"). */
  label: string;
  /** Bytes of BOM to skip. */
  bom: number;
}

const MAGIC: Array<[number[], string]> = [
  [[0x50, 0x4b, 0x03, 0x04], 'a ZIP archive (an .xlsx or .docx saved under a text name?)'],
  [[0x25, 0x50, 0x44, 0x46], 'a PDF'],
  [[0x89, 0x50, 0x4e, 0x47], 'a PNG image'],
  [[0xff, 0xd8, 0xff], 'a JPEG image'],
  [[0x1f, 0x8b], 'a gzip archive'],
  [[0x7f, 0x45, 0x4c, 0x46], 'an executable'],
  [[0x53, 0x51, 0x4c, 0x69, 0x74, 0x65], 'an SQLite database'],
  [[0xd0, 0xcf, 0x11, 0xe0], 'an old Office file (.xls/.doc)'],
];

const UTF8 = (): TextEncoding => ({ iconv: 'utf8', label: 'UTF-8', bom: 0 });

function bomEncoding(b: Uint8Array): TextEncoding | null {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { iconv: 'utf8', label: 'UTF-8 (BOM)', bom: 3 };
  if (b[0] === 0xff && b[1] === 0xfe) return { iconv: 'utf-16le', label: 'UTF-16LE', bom: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { iconv: 'utf-16be', label: 'UTF-16BE', bom: 2 };
  return null;
}

/** Refuse what is plainly not text: known binary formats, NUL bytes, many control characters. */
function refuseBinary(head: Buffer): void {
  for (const [magic, what] of MAGIC) {
    if (magic.every((b, i) => head[i] === b)) throw new NotTextError(`not a text file: it is ${what}`);
  }
  const sign = binarySign(head, 0.05);
  if (sign) throw new NotTextError(`not a text file: binary content (${sign})`);
}

/**
 * What makes bytes binary (executables, images, archives, UTF-32...): a NUL byte, or more control
 * characters than `share` of them; null when neither. An import file is held to 5 %, a document to 10 %.
 */
function binarySign(head: Uint8Array, share: number): string | null {
  const nul = head.indexOf(0);
  if (nul >= 0) return `a NUL byte at offset ${nul}`;
  let control = 0;
  for (const b of head) if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 27) control++;
  return control > head.length * share ? `${control} control bytes in the first ${head.length}` : null;
}

/** UTF-16 without a byte-order mark: mostly-Latin text has a zero byte in every other position. */
function bomlessUtf16(head: Buffer): TextEncoding | null {
  const pairs = Math.floor(head.length / 2);
  if (pairs < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i + 1 < head.length; i += 2) {
    if (head[i] === 0) evenZero++;
    if (head[i + 1] === 0) oddZero++;
  }
  if (oddZero > pairs * 0.4 && evenZero < pairs * 0.05) return { iconv: 'utf-16le', label: 'UTF-16LE', bom: 0 };
  if (evenZero > pairs * 0.4 && oddZero < pairs * 0.05) return { iconv: 'utf-16be', label: 'UTF-16BE', bom: 0 };
  return null;
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** True when the bytes are valid UTF-8 (`partial`: a character cut at the very end is allowed). */
function isUtf8(b: Uint8Array, partial = false): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(b, { stream: partial });
    return true;
  } catch {
    return false;
  }
}

/** Offset of the first byte that breaks UTF-8, or −1 when the whole buffer is valid. */
export function firstInvalidUtf8(b: Uint8Array): number {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    const len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len === 0) return i;
    const min = len === 2 ? 0x80 : len === 3 ? 0x800 : 0x10000;
    if (i + len > n) return i;
    let cp = c & (0xff >> (len + 1));
    for (let j = 1; j < len; j++) {
      const cc = b[i + j];
      if ((cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += len;
  }
  return -1;
}

/** Valid multi-byte UTF-8 sequences and invalid bytes, counted over the whole buffer. */
function utf8Census(b: Uint8Array): { valid: number; invalid: number } {
  let valid = 0;
  let invalid = 0;
  let i = 0;
  while (i < b.length) {
    if (b[i] < 0x80) {
      i++;
      continue;
    }
    const c = b[i];
    const len = c >= 0xc2 && c <= 0xdf ? 2 : c >= 0xe0 && c <= 0xef ? 3 : c >= 0xf0 && c <= 0xf4 ? 4 : 0;
    if (len && firstInvalidUtf8(b.subarray(i, i + len)) === -1) {
      valid++;
      i += len;
    } else {
      invalid++;
      i++;
    }
  }
  return { valid, invalid };
}

/**
 * Real text in a legacy encoding has letters outside ASCII (é, ü, 中, あ, 한); a wrong guess, or bytes
 * that are not text at all, decode to runs of symbols (€‚ƒ„…†‡ˆ‰) instead.
 */
function mostlyLetters(text: string): boolean {
  const nonAscii = text.match(/[^\x00-\x7F]/gu)?.length ?? 0;
  if (nonAscii < 8) return true;
  const letters = text.match(/[^\x00-\x7F](?<=[\p{L}\p{M}])/gu)?.length ?? 0;
  return letters >= nonAscii * 0.6;
}

/** UTF-8 that was once decoded as Latin-1 and saved again ("cafÃ©"): refused rather than stored. */
function refuseMojibake(text: string): string {
  const marks = text.match(/[ÃÂ][\u0080-\u00BF]|â€[\u0080-\u00BF™œ“”˜]/g)?.length ?? 0;
  if (marks >= 3) {
    const nonAscii = text.match(/[^\x00-\x7F]/g)?.length ?? 0;
    if (marks * 2 >= nonAscii * 0.5) throw new NotTextError('garbled text (mojibake: UTF-8 that was decoded as Latin-1 and saved again)');
  }
  return text;
}

/** chardet's names, with ISO-8859-1 read as its superset windows-1252 (curly quotes, €, œ). */
function legacyGuesses(bytes: Uint8Array, minConfidence: number): Array<{ name: string; confidence: number }> {
  const seen = new Set<string>();
  const out: Array<{ name: string; confidence: number }> = [];
  for (const g of chardet.analyse(bytes)) {
    if (g.confidence < minConfidence) break;
    const name = /^ISO-8859-1$/i.test(g.name) ? 'windows-1252' : g.name;
    if (/^(UTF|ASCII)/i.test(name) || !iconv.encodingExists(name) || seen.has(name)) continue;
    seen.add(name);
    out.push({ name, confidence: g.confidence });
  }
  return out;
}

/**
 * How unlike real text a decoding is: replacement characters, C1 controls and private-use characters (the bytes do not fit
 * at all), half-width katakana and Latin letters glued to CJK characters (Latin-1 read as Shift-JIS:
 * "était" → "騁ait"), runs of accented capitals and symbols (CJK read as Latin-1: "ÈçºÎÖØ").
 */
export function implausibility(text: string): number {
  const count = (re: RegExp) => text.match(re)?.length ?? 0;
  return (
    100 * count(/[\uFFFD\u0080-\u009F\uE000-\uF8FF]/g) +
    2 * count(/[\uFF61-\uFF9F]/g) +
    2 * count(/[A-Za-z](?=[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])|[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}](?=[A-Za-z])/gu) +
    count(/[\u00C0-\u00FF\u0152-\u017F\u0192\u02C6-\u02DC\u2018-\u2030\u2039\u203A\u20AC\u2122\u00A1-\u00BF]{3,}/g) * 3 +
    2 * count(/[ƒ‚„†‡ˆ‰‹›¦¨¬¯´¸¹²³¼½¾]/g)
  );
}

/** Decide the encoding from the first bytes of a file (`complete` when that is the whole file). */
export function sniffEncoding(head: Buffer, complete: boolean): TextEncoding {
  if (head.length === 0) throw new NotTextError('the file is empty (0 bytes)');
  const bom = bomEncoding(head);
  if (bom) return bom;
  const utf16 = bomlessUtf16(head.subarray(0, 8192));
  if (utf16) return utf16;
  refuseBinary(head);
  if (isUtf8(head, !complete)) return UTF8();
  for (const g of legacyGuesses(head, 10)) {
    const text = iconv.decode(head, g.name);
    if (!text.slice(0, -2).includes('\uFFFD') && mostlyLetters(text)) return { iconv: g.name, label: g.name, bom: 0 };
  }
  // Several encodings in one file: no single guess fits, but each row may (decodeLines sorts it out).
  if (legacyGuesses(head, 10).length > 0) return { iconv: 'windows-1252', label: 'mixed', bom: 0 };
  throw new NotTextError('not valid UTF-8, and the encoding could not be recognised; save the file as UTF-8 and import it again');
}

/** Decode a whole document: one file, one encoding. Throws NotTextError with the reason. */
export function decodeText(bytes: Buffer): { text: string; encoding: TextEncoding } {
  if (bytes.length === 0) throw new NotTextError('empty file (0 bytes)');
  const bom = bomEncoding(bytes);
  if (bom?.iconv === 'utf8') {
    const bad = firstInvalidUtf8(bytes.subarray(3));
    if (bad >= 0) throw new NotTextError(`not valid UTF-8 (malformed byte sequence at byte ${bad + 3})`);
    return { text: bytes.subarray(3).toString('utf8'), encoding: bom };
  }
  if (bom) return { text: iconv.decode(bytes.subarray(bom.bom), bom.iconv), encoding: bom };
  const utf16 = bomlessUtf16(bytes.subarray(0, 8192));
  if (utf16) return { text: iconv.decode(bytes, utf16.iconv), encoding: utf16 };
  if (binarySign(bytes.subarray(0, 8192), 0.1)) throw new NotTextError('not text (binary content)');
  const bad = firstInvalidUtf8(bytes);
  if (bad < 0) return { text: refuseMojibake(bytes.toString('utf8')), encoding: UTF8() };
  const { valid, invalid } = utf8Census(bytes);
  if (valid >= invalid) {
    // Mostly real UTF-8 multi-byte sequences: a damaged UTF-8 file, not a legacy encoding. (GBK or
    // Shift-JIS text forms a valid UTF-8 pair only now and then, far fewer than its invalid bytes.)
    throw new NotTextError(`not valid UTF-8 (malformed byte sequence at byte ${bad})`);
  }
  // chardet's candidates in order of confidence; the first that decodes without a replacement
  // character wins, so a wrong guess between GBK, Big5, Shift-JIS and EUC-KR is not stored as mojibake.
  for (const guess of legacyGuesses(bytes.subarray(0, SNIFF_BYTES), MIN_CONFIDENCE)) {
    if (MULTIBYTE.test(guess.name) && guess.confidence < MIN_MULTIBYTE_CONFIDENCE) continue;
    const text = iconv.decode(bytes, guess.name);
    if (!text.includes('\uFFFD') && mostlyLetters(text)) return { text, encoding: { iconv: guess.name, label: guess.name, bom: 0 } };
  }
  throw new NotTextError(`not valid UTF-8 (malformed byte at ${bad}) and the encoding could not be recognised`);
}

export async function readHead(file: string, bytes = SNIFF_BYTES): Promise<{ head: Buffer; complete: boolean }> {
  const fh = await open(file, 'r');
  try {
    const size = (await fh.stat()).size;
    const buf = Buffer.alloc(Math.min(bytes, size));
    const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
    return { head: buf.subarray(0, bytesRead), complete: bytesRead >= size };
  } finally {
    await fh.close();
  }
}

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

function isAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] >= 0x80) return false;
  return true;
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
