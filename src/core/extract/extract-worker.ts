/**
 * The extraction process: reads one document at a time for IsolatedExtractor. It runs with a small
 * V8 heap (--max-old-space-size) and exits by itself when its resident memory passes the budget, so
 * a hostile file can cost this process, never the one that answers searches.
 */
import { documentExtractors } from './document-extractors';
import { ExtractionRefused, type ExtractedDocument, type Extractor } from './types';

export interface ExtractRequest {
  id: number;
  fileType: string;
  bytes: Uint8Array;
}

export type ExtractResponse =
  | { id: number; ok: true; doc: ExtractedDocument }
  | { id: number; ok: false; refused: boolean; message: string }
  | { ready: true };

/** Exit code meaning "over the memory budget" (the parent turns it into the reason shown to the user). */
export const EXIT_OVER_MEMORY = 86;

const budgetMb = Number(process.env.TROVE_EXTRACT_MEMORY_MB) || 512;
const byType = new Map<string, Extractor>();
for (const e of documentExtractors()) for (const t of e.fileTypes) byType.set(t, e);

// Checked often: typed arrays (PDF streams, unzipped parts) live outside the V8 heap limit.
setInterval(() => {
  if (process.memoryUsage.rss() > budgetMb * 1024 * 1024) process.exit(EXIT_OVER_MEMORY);
}, 50).unref();

process.on('disconnect', () => process.exit(0));
// A reader's stray rejected promise must not end the process in the middle of another file.
process.on('unhandledRejection', () => {});
process.on('message', async (msg: ExtractRequest) => {
  let reply: ExtractResponse;
  try {
    const extractor = byType.get(msg.fileType);
    if (!extractor) throw new ExtractionRefused(`no reader for .${msg.fileType} files`);
    const bytes = Buffer.from(msg.bytes.buffer, msg.bytes.byteOffset, msg.bytes.byteLength);
    reply = { id: msg.id, ok: true, doc: await extractor.extract(bytes, msg.fileType) };
  } catch (err) {
    const refused = err instanceof ExtractionRefused;
    reply = { id: msg.id, ok: false, refused, message: err instanceof Error ? err.message : String(err) };
  }
  process.send!(reply);
});
process.send!({ ready: true } satisfies ExtractResponse);
