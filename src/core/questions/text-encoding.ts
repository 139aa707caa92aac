/**
 * Which text encoding a file is in, decided from its first bytes: a BOM (UTF-8, UTF-16LE/BE), valid
 * UTF-8, or chardet's best guess for legacy encodings (GBK/GB18030, Shift_JIS, EUC-KR, Windows-1252…),
 * decoded with iconv-lite. Binary files are refused with a reason. Works on a head sample so a huge
 * file can then be decoded as a stream.
 */
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { createReadStream } from 'node:fs';
import { open } from 'node:fs/promises';

export const SNIFF_BYTES = 65536;
/** Below this chardet confidence (0–100) a non-UTF-8 file is refused rather than guessed at. */
const MIN_CONFIDENCE = 30;

/** The file cannot be read as text at all; nothing was imported. */
export class NotTextError extends Error {
  override name = 'NotTextError';
}

export interface TextEncoding {
  /** Name for iconv-lite. */
  iconv: string;
  /** Name to show (e.g. "UTF-8", "UTF-16LE", "GB18030"). */
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

/** Decide the encoding from the first bytes of a file (`complete` when that is the whole file). */
export function sniffEncoding(head: Buffer, complete: boolean): TextEncoding {
  if (head.length === 0) throw new NotTextError('the file is empty (0 bytes)');
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return { iconv: 'utf8', label: 'UTF-8 (BOM)', bom: 3 };
  if (head[0] === 0xff && head[1] === 0xfe) return { iconv: 'utf-16le', label: 'UTF-16LE', bom: 2 };
  if (head[0] === 0xfe && head[1] === 0xff) return { iconv: 'utf-16be', label: 'UTF-16BE', bom: 2 };
  for (const [magic, what] of MAGIC) {
    if (magic.every((b, i) => head[i] === b)) throw new NotTextError(`not a text file: it is ${what}`);
  }
  const nul = head.indexOf(0);
  if (nul >= 0) throw new NotTextError(`not a text file: binary content (a NUL byte at offset ${nul})`);
  let control = 0;
  for (const b of head) if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 27) control++;
  if (control > head.length * 0.05) throw new NotTextError(`not a text file: ${control} control bytes in the first ${head.length}`);
  try {
    // stream: true tolerates a multi-byte character cut at the end of the sample.
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: !complete });
    return { iconv: 'utf8', label: 'UTF-8', bom: 0 };
  } catch {
    // not UTF-8: a legacy encoding
  }
  const guesses = chardet.analyse(head).filter((g) => !/^UTF/i.test(g.name) && iconv.encodingExists(g.name));
  const best = guesses[0];
  if (!best || best.confidence < MIN_CONFIDENCE) {
    throw new NotTextError('not valid UTF-8, and the encoding could not be recognised; save the file as UTF-8 and import it again');
  }
  return { iconv: best.name, label: best.name, bom: 0 };
}

/** The file as a stream of decoded text (BOM skipped). */
export function decodedStream(file: string, enc: TextEncoding): NodeJS.ReadableStream {
  return createReadStream(file, { start: enc.bom, highWaterMark: 1 << 20 }).pipe(iconv.decodeStream(enc.iconv));
}

/** Sniff and decode a whole (small) file. */
export function decodeBuffer(buf: Buffer): { text: string; encoding: TextEncoding } {
  const encoding = sniffEncoding(buf.subarray(0, SNIFF_BYTES), buf.length <= SNIFF_BYTES);
  return { text: iconv.decode(buf.subarray(encoding.bom), encoding.iconv), encoding };
}
