/**
 * Reading the parts of a ZIP-based document (DOCX, ODT, PPTX, EPUB) without trusting it: the sizes
 * the archive declares are checked before anything is inflated, so a zip bomb is refused in
 * microseconds instead of filling memory. (A bomb that lies about its sizes is still stopped by the
 * extraction process's memory budget.)
 */
import { unzipSync } from 'fflate';
import { ExtractionRefused } from './types';

/** One part may unpack to at most this; a text document's XML is rarely over a few MB. */
const MAX_PART_BYTES = 64 * 1024 * 1024;
/** All parts read from one file together. */
const MAX_TOTAL_BYTES = 256 * 1024 * 1024;
const MAX_ENTRIES = 50_000;

export type ZipParts = Map<string, Uint8Array>;

/**
 * Unpack the entries for which `wanted(name)` is true. `kind` names the format in refusals
 * ("Word document"). Throws ExtractionRefused when the file is not a ZIP or would unpack too large.
 */
export function readZipParts(bytes: Uint8Array, kind: string, wanted: (name: string) => boolean, checkAll = false): ZipParts {
  if (bytes.length < 22 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw new ExtractionRefused(`not a ${kind} (damaged, or not a ZIP container)`);
  let entries = 0;
  let total = 0;
  let tooBig: string | null = null;
  let files: Record<string, Uint8Array>;
  try {
    files = unzipSync(bytes, {
      filter(f) {
        if (++entries > MAX_ENTRIES) tooBig ??= `more than ${MAX_ENTRIES} parts`;
        const want = wanted(f.name);
        if (!want && !checkAll) return false;
        total += f.originalSize;
        if (f.originalSize > MAX_PART_BYTES || total > MAX_TOTAL_BYTES) tooBig ??= `${f.name} would unpack to ${(f.originalSize / 1048576).toFixed(0)} MB`;
        return want && tooBig === null;
      },
    });
  } catch (err) {
    if (tooBig) throw bomb(kind, tooBig);
    throw new ExtractionRefused(`not a readable ${kind} (damaged ZIP container: ${err instanceof Error ? err.message : String(err)})`);
  }
  if (tooBig) throw bomb(kind, tooBig);
  return new Map(Object.entries(files));
}

/** Check declared sizes only (for libraries that unzip by themselves, like mammoth). */
export function checkZipSizes(bytes: Uint8Array, kind: string): void {
  readZipParts(bytes, kind, () => false, true);
}

function bomb(kind: string, detail: string): ExtractionRefused {
  return new ExtractionRefused(`${kind} would unpack to too much data (${detail}) — a zip bomb?`);
}

export function partText(parts: ZipParts, name: string): string | undefined {
  const p = parts.get(name);
  return p ? new TextDecoder('utf-8').decode(p) : undefined;
}
