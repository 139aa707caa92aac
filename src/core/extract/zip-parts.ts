/**
 * Reading the parts of a ZIP-based file (DOCX, ODT, PPTX, EPUB, XLSX) without trusting it. The sizes
 * the archive declares are checked first, so an honest zip bomb is refused in microseconds; then the
 * wanted parts are inflated in small steps while the bytes actually produced are counted, so a bomb
 * that lies about its sizes is stopped at the cap too, long before it fills memory.
 */
import { Unzip, UnzipInflate, unzipSync, type UnzipFile } from 'fflate';
import { ExtractionRefused } from './types';

/** One part may unpack to at most this; a text document's XML is rarely over a few MB. */
const MAX_PART_BYTES = 64 * 1024 * 1024;
/** All parts read from one file together. */
const MAX_TOTAL_BYTES = 256 * 1024 * 1024;
const MAX_ENTRIES = 50_000;
/**
 * Compressed bytes handed to the inflater at a time. DEFLATE expands at most ~1,032×, so one step
 * makes at most ~16 MB before the count is checked.
 */
const STEP_BYTES = 16 * 1024;

export type ZipParts = Map<string, Uint8Array>;

export interface ZipLimits {
  /** Largest part, inflated (default 64 MB). */
  maxPartBytes?: number;
  /** All parts read, inflated (default 256 MB). */
  maxTotalBytes?: number;
}

/**
 * Unpack the entries for which `wanted(name)` is true. `kind` names the format in refusals
 * ("Word document"). Throws ExtractionRefused when the file is not a ZIP or would unpack too large.
 */
export function readZipParts(bytes: Uint8Array, kind: string, wanted: (name: string) => boolean, limits: ZipLimits = {}): ZipParts {
  return inflateCounted(bytes, kind, wanted, true, limits);
}

/**
 * Make sure every part of the archive unpacks within the caps, counting real bytes (for libraries
 * that unzip by themselves, like mammoth): one pass of inflating, each part dropped as made.
 */
export function checkZipSizes(bytes: Uint8Array, kind: string, limits: ZipLimits = {}): void {
  inflateCounted(bytes, kind, () => true, false, limits);
}

function inflateCounted(bytes: Uint8Array, kind: string, wanted: (name: string) => boolean, keep: boolean, limits: ZipLimits): ZipParts {
  const maxPart = limits.maxPartBytes ?? MAX_PART_BYTES;
  const maxTotal = limits.maxTotalBytes ?? MAX_TOTAL_BYTES;
  checkDeclaredSizes(bytes, kind, wanted, maxPart, maxTotal);
  const parts: ZipParts = new Map();
  let total = 0;
  let tooBig: string | null = null;
  let failure: Error | null = null;
  const unzip = new Unzip((file: UnzipFile) => {
    if (!wanted(file.name) || tooBig) return;
    const chunks: Uint8Array[] = [];
    let size = 0;
    file.ondata = (err, data, final) => {
      if (err) {
        failure ??= err;
        return;
      }
      size += data.length;
      total += data.length;
      if (size > maxPart || total > maxTotal) {
        tooBig ??= `${file.name} unpacks to more than ${Math.round((size > maxPart ? maxPart : maxTotal) / 1048576)} MB`;
        file.terminate();
        return;
      }
      if (!keep) return;
      chunks.push(data);
      if (final) parts.set(file.name, concat(chunks, size));
    };
    try {
      file.start();
    } catch (err) {
      failure ??= err instanceof Error ? err : new Error(String(err));
    }
  });
  unzip.register(UnzipInflate);
  try {
    for (let at = 0; at < bytes.length && !tooBig && !failure; at += STEP_BYTES) {
      unzip.push(bytes.subarray(at, at + STEP_BYTES), at + STEP_BYTES >= bytes.length);
    }
  } catch (err) {
    failure ??= err instanceof Error ? err : new Error(String(err));
  }
  if (tooBig) throw bomb(kind, tooBig);
  if (failure) throw new ExtractionRefused(`not a readable ${kind} (damaged ZIP container: ${(failure as Error).message})`);
  return parts;
}

/** The central directory's own claims: entry count and declared sizes. Inflates nothing. */
function checkDeclaredSizes(bytes: Uint8Array, kind: string, wanted: (name: string) => boolean, maxPart: number, maxTotal: number): void {
  if (bytes.length < 22 || bytes[0] !== 0x50 || bytes[1] !== 0x4b) throw new ExtractionRefused(`not a ${kind} (damaged, or not a ZIP container)`);
  let entries = 0;
  let total = 0;
  let tooBig: string | null = null;
  try {
    unzipSync(bytes, {
      filter(f) {
        if (++entries > MAX_ENTRIES) tooBig ??= `more than ${MAX_ENTRIES} parts`;
        if (!wanted(f.name)) return false;
        total += f.originalSize;
        if (f.originalSize > maxPart || total > maxTotal) tooBig ??= `${f.name} would unpack to ${(f.originalSize / 1048576).toFixed(0)} MB`;
        return false;
      },
    });
  } catch (err) {
    if (tooBig) throw bomb(kind, tooBig);
    throw new ExtractionRefused(`not a readable ${kind} (damaged ZIP container: ${err instanceof Error ? err.message : String(err)})`);
  }
  if (tooBig) throw bomb(kind, tooBig);
}

function bomb(kind: string, detail: string): ExtractionRefused {
  return new ExtractionRefused(`${kind} would unpack to too much data (${detail}) — a zip bomb?`);
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  if (chunks.length === 1) return chunks[0];
  const out = new Uint8Array(size);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

export function partText(parts: ZipParts, name: string): string | undefined {
  const p = parts.get(name);
  return p ? new TextDecoder('utf-8').decode(p) : undefined;
}
