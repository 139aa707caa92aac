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
const MIN_MULTIBYTE_CONFIDENCE = 80;
const MULTIBYTE = /^(GB|Big5|Shift_JIS|EUC-|ISO-2022)/i;

export function decodeText(bytes: Buffer): string {
  if (bytes.length === 0) throw new ExtractionRefused('empty file (0 bytes)');
  if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return strictUtf8(bytes.subarray(3));
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return iconv.decode(bytes.subarray(2), 'utf-16le');
  if (bytes[0] === 0xfe && bytes[1] === 0xff) return iconv.decode(bytes.subarray(2), 'utf-16be');
  const utf16 = bomlessUtf16(bytes.subarray(0, SNIFF_BYTES));
  if (utf16) return iconv.decode(bytes, utf16);
  if (looksBinary(bytes.subarray(0, SNIFF_BYTES))) throw new ExtractionRefused('not text (binary content)');
  const bad = firstInvalidUtf8(bytes);
  if (bad < 0) return refuseMojibake(bytes.toString('utf8'));
  const { valid, invalid } = utf8Census(bytes);
  if (valid >= invalid) {
    // Mostly real UTF-8 multi-byte sequences: a damaged UTF-8 file, not a legacy encoding. (GBK or
    // Shift-JIS text forms a valid UTF-8 pair only now and then, far fewer than its invalid bytes.)
    throw new ExtractionRefused(`not valid UTF-8 (malformed byte sequence at byte ${bad})`);
  }
  // chardet's candidates in order of confidence; the first that decodes without a replacement
  // character wins, so a wrong guess between GBK, Big5, Shift-JIS and EUC-KR is not indexed as mojibake.
  for (const guess of chardet.analyse(bytes.subarray(0, 65536))) {
    if (guess.confidence < MIN_CONFIDENCE) break;
    if (!iconv.encodingExists(guess.name) || /^UTF/i.test(guess.name)) continue;
    // chardet gives real CJK text of a sentence or more 100; random high bytes score ~50 as Shift_JIS.
    if (MULTIBYTE.test(guess.name) && guess.confidence < MIN_MULTIBYTE_CONFIDENCE) continue;
    const text = iconv.decode(bytes, guess.name);
    if (!text.includes('\uFFFD') && mostlyLetters(text)) return text;
  }
  throw new ExtractionRefused(`not valid UTF-8 (malformed byte at ${bad}) and the encoding could not be recognised`);
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

/** UTF-8 that was once decoded as Latin-1 and saved again ("cafÃ©"): refused rather than indexed. */
function refuseMojibake(text: string): string {
  const marks = text.match(/[ÃÂ][\u0080-\u00BF]|â€[\u0080-\u00BF™œ“”˜]/g)?.length ?? 0;
  if (marks >= 3) {
    const nonAscii = text.match(/[^\x00-\x7F]/g)?.length ?? 0;
    if (marks * 2 >= nonAscii * 0.5) throw new ExtractionRefused('garbled text (mojibake: UTF-8 that was decoded as Latin-1 and saved again)');
  }
  return text;
}

/** UTF-16 without a byte-order mark: mostly-Latin text has a zero byte in every other position. */
function bomlessUtf16(head: Buffer): 'utf-16le' | 'utf-16be' | null {
  const pairs = Math.floor(head.length / 2);
  if (pairs < 4) return null;
  let evenZero = 0;
  let oddZero = 0;
  for (let i = 0; i + 1 < head.length; i += 2) {
    if (head[i] === 0) evenZero++;
    if (head[i + 1] === 0) oddZero++;
  }
  if (oddZero > pairs * 0.4 && evenZero < pairs * 0.05) return 'utf-16le';
  if (evenZero > pairs * 0.4 && oddZero < pairs * 0.05) return 'utf-16be';
  return null;
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

/** Valid multi-byte UTF-8 sequences and invalid bytes, counted over the whole buffer. */
function utf8Census(b: Buffer): { valid: number; invalid: number } {
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
