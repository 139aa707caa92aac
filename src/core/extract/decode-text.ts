/**
 * Bytes → string for text files: BOMs, strict UTF-8, and legacy 8-bit/CJK encodings recognised by
 * chardet. Binary content and damaged UTF-8 are refused with a reason instead of indexed as garbage.
 */
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { ExtractionRefused } from './types';

const SNIFF_BYTES = 8192;
/** Below this chardet confidence (0–100) a non-UTF-8 file is refused rather than guessed at. */
const MIN_CONFIDENCE = 50;

export function decodeText(bytes: Buffer): string {
  if (bytes.length === 0) throw new ExtractionRefused('empty file (0 bytes)');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return strictUtf8(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return iconv.decode(bytes.subarray(2), 'utf-16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return iconv.decode(bytes.subarray(2), 'utf-16be');
  if (looksBinary(bytes.subarray(0, SNIFF_BYTES))) throw new ExtractionRefused('not text (binary content)');
  const bad = firstInvalidUtf8(bytes);
  if (bad < 0) return bytes.toString('utf8');
  if (hasValidMultibyte(bytes)) {
    // Real UTF-8 multi-byte sequences next to invalid ones: a damaged UTF-8 file, not a legacy encoding.
    throw new ExtractionRefused(`not valid UTF-8 (malformed byte sequence at byte ${bad})`);
  }
  const guess = chardet.analyse(bytes.subarray(0, 65536))[0];
  if (!guess || guess.confidence < MIN_CONFIDENCE || !iconv.encodingExists(guess.name) || /^UTF/i.test(guess.name)) {
    throw new ExtractionRefused(`not valid UTF-8 (malformed byte at ${bad}) and the encoding could not be recognised`);
  }
  return iconv.decode(bytes, guess.name);
}

function strictUtf8(bytes: Buffer): string {
  const bad = firstInvalidUtf8(bytes);
  if (bad >= 0) throw new ExtractionRefused(`not valid UTF-8 (malformed byte sequence at byte ${bad + 3})`);
  return bytes.toString('utf8');
}

/** NUL bytes, or many control characters, mean binary (executables, images, archives, UTF-32...). */
function looksBinary(head: Buffer): boolean {
  let control = 0;
  for (const b of head) {
    if (b === 0) return true;
    if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 27) control++;
  }
  return control > head.length * 0.1;
}

/** Offset of the first byte that breaks UTF-8, or −1 when the whole buffer is valid. */
export function firstInvalidUtf8(b: Buffer): number {
  let i = 0;
  const n = b.length;
  while (i < n) {
    const c = b[i];
    if (c < 0x80) {
      i++;
      continue;
    }
    let len: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) (len = 2), (min = 0x80);
    else if (c >= 0xe0 && c <= 0xef) (len = 3), (min = 0x800);
    else if (c >= 0xf0 && c <= 0xf4) (len = 4), (min = 0x10000);
    else return i;
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

function hasValidMultibyte(b: Buffer): boolean {
  for (let i = 0; i + 1 < b.length; i++) {
    const c = b[i];
    if (c >= 0xc2 && c <= 0xf4 && (b[i + 1] & 0xc0) === 0x80) {
      const len = c < 0xe0 ? 2 : c < 0xf0 ? 3 : 4;
      if (firstInvalidUtf8(b.subarray(i, i + len)) === -1) return true;
    }
  }
  return false;
}
