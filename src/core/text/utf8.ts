/** Byte-level UTF-8 checks: is it valid, where does it break, how much of it is real UTF-8. */

export const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });

/** True when the bytes are valid UTF-8 (`partial`: a character cut at the very end is allowed). */
export function isUtf8(b: Uint8Array, partial = false): boolean {
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
export function utf8Census(b: Uint8Array): { valid: number; invalid: number } {
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

export function isAscii(b: Uint8Array): boolean {
  for (let i = 0; i < b.length; i++) if (b[i] >= 0x80) return false;
  return true;
}
