/**
 * Everything done for one file before the model sees it: stat, size cap, read, check that it did not
 * change while being read, hash, extract, chunk. Pure decisions about the store are left to the indexer.
 */
import { createHash } from 'node:crypto';
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { chunkDocument, type Chunk } from '../chunk/chunker';
import type { TokenCounter } from '../embed/types';
import type { ExtractorRegistry } from '../extract/extractors';
import { ExtractionRefused, type ExtractOptions } from '../extract/types';
import { fileType } from '../sources/folder-rules';
import { NOT_REGULAR_FILE, reasonFor } from '../sources/classify-entry';

export type Prepared =
  | { kind: 'gone' }
  | { kind: 'changing' }
  | { kind: 'failed'; size: number; mtimeMs: number; reason: string }
  | { kind: 'read'; size: number; mtimeMs: number; contentHash: string; bytes: Buffer };

/** Stat, read and hash a file; never throws. */
export async function readFileSafely(path: string, maxBytes: number): Promise<Prepared> {
  let handle;
  try {
    // O_NONBLOCK: opening a named pipe must not wait for a writer; regular files are unaffected.
    handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return { kind: 'gone' };
    return { kind: 'failed', size: 0, mtimeMs: 0, reason: reasonFor(err, 'file') };
  }
  try {
    const before = await handle.stat();
    if (!before.isFile()) return { kind: 'failed', size: 0, mtimeMs: before.mtimeMs, reason: NOT_REGULAR_FILE };
    if (before.size > maxBytes) {
      const limit = maxBytes / 1024 / 1024;
      return {
        kind: 'failed',
        size: before.size,
        mtimeMs: before.mtimeMs,
        reason: `larger than the ${limit >= 1 ? Math.round(limit) : limit.toFixed(2)} MB limit (${(before.size / 1024 / 1024).toFixed(1)} MB); raise the limit in Settings to index it`,
      };
    }
    const bytes = await handle.readFile();
    const after = await handle.stat();
    if (after.size !== before.size || after.mtimeMs !== before.mtimeMs || bytes.length !== before.size) {
      return { kind: 'changing' };
    }
    const contentHash = createHash('sha256').update(bytes).digest('hex');
    return { kind: 'read', size: before.size, mtimeMs: before.mtimeMs, contentHash, bytes };
  } catch (err) {
    return { kind: 'failed', size: 0, mtimeMs: 0, reason: reasonFor(err, 'file') };
  } finally {
    await handle.close().catch(() => {});
  }
}

/** Extract and chunk; returns the passages or a reason the file holds nothing to index. */
export async function extractChunks(
  path: string,
  bytes: Buffer,
  extractors: ExtractorRegistry,
  counter: TokenCounter,
  maxTokens: number,
  options: ExtractOptions = {},
): Promise<{ chunks: Chunk[] } | { reason: string }> {
  const type = fileType(path);
  const extractor = extractors.forType(type) ?? extractors.forType('txt')!;
  try {
    const doc = await extractor.extract(bytes, type, options);
    const chunks = chunkDocument(doc, counter, { maxTokens });
    if (chunks.length === 0) return { reason: 'no text to index (only whitespace or markup)' };
    return { chunks };
  } catch (err) {
    if (options.signal?.aborted) throw err; // stopped, not the file's fault: nothing to record
    if (err instanceof ExtractionRefused) return { reason: err.message };
    return { reason: `could not extract text: ${err instanceof Error ? err.message : String(err)}` };
  }
}
