/**
 * What a file's first bytes say before any decoding: a byte-order mark, UTF-16 without one, or
 * content that is plainly not text (a known binary format, NUL bytes, many control bytes).
 */

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

export const UTF8 = (): TextEncoding => ({ iconv: 'utf8', label: 'UTF-8', bom: 0 });

export function bomEncoding(b: Uint8Array): TextEncoding | null {
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return { iconv: 'utf8', label: 'UTF-8 (BOM)', bom: 3 };
  if (b[0] === 0xff && b[1] === 0xfe) return { iconv: 'utf-16le', label: 'UTF-16LE', bom: 2 };
  if (b[0] === 0xfe && b[1] === 0xff) return { iconv: 'utf-16be', label: 'UTF-16BE', bom: 2 };
  return null;
}

/** Refuse what is plainly not text: known binary formats, NUL bytes, many control characters. */
export function refuseBinary(head: Buffer): void {
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
export function binarySign(head: Uint8Array, share: number): string | null {
  const nul = head.indexOf(0);
  if (nul >= 0) return `a NUL byte at offset ${nul}`;
  let control = 0;
  for (const b of head) if (b < 32 && b !== 9 && b !== 10 && b !== 13 && b !== 12 && b !== 27) control++;
  return control > head.length * share ? `${control} control bytes in the first ${head.length}` : null;
}

/** UTF-16 without a byte-order mark: mostly-Latin text has a zero byte in every other position. */
export function bomlessUtf16(head: Buffer): TextEncoding | null {
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
