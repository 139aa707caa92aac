/**
 * The one text decoder: bytes → string for indexed text files and for question-bank imports. BOMs,
 * UTF-16 without a BOM, strict UTF-8, and legacy 8-bit/CJK encodings recognised by chardet and
 * decoded with iconv-lite. Binary content, damaged UTF-8 and mojibake are refused with a reason
 * instead of stored as garbage.
 *
 * Two ways in: `decodeText` for a whole document (one file is one encoding, or it is refused), and
 * `sniffEncoding` on a file's head before `decodeLines` (decode-lines.ts) reads a line-based import
 * row by row.
 */
import iconv from 'iconv-lite';
import { open } from 'node:fs/promises';
import { binarySign, bomEncoding, bomlessUtf16, NotTextError, refuseBinary, UTF8, type TextEncoding } from './byte-signs';
import { legacyGuesses, mostlyLetters, refuseMojibake } from './legacy-encodings';
import { firstInvalidUtf8, isUtf8, utf8Census } from './utf8';


/** Bytes looked at to decide a file's encoding. */
export const SNIFF_BYTES = 65536;
/** Below this chardet confidence (0–100) a non-UTF-8 document is refused rather than guessed at. */
const MIN_CONFIDENCE = 50;
/** chardet gives real CJK text of a sentence or more 100; random high bytes score ~50 as Shift_JIS. */
const MIN_MULTIBYTE_CONFIDENCE = 80;
const MULTIBYTE = /^(GB|Big5|Shift_JIS|EUC-|ISO-2022)/i;

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

