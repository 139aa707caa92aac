/**
 * The reading process: reads one document, or one question-bank import file, at a time for
 * IsolatedExtractor. It runs with a small V8 heap (--max-old-space-size) and exits by itself when its
 * resident memory passes the budget, so a hostile file can cost this process, never the one that
 * answers searches.
 */
import type { ImportFormat } from '../../shared/questions';
import type { OpenedSource, ReadOptions, ReadProgress, SourceRow } from '../questions/source-rows';
import { documentExtractors } from './document-extractors';
import { ExtractionRefused, type ExtractedDocument, type Extractor, type ReadingProgress } from './types';

export interface ExtractRequest {
  id: number;
  fileType: string;
  bytes: Uint8Array;
}

/** Start reading an import file; the first part comes back at once. */
export interface RowsRequest {
  id: number;
  rows: { file: string; format: ImportFormat; options: ReadOptions };
}

/** The caller is ready for the next part of an import file. */
export interface RowsNext {
  id: number;
  next: true;
}

export type WorkerRequest = ExtractRequest | RowsRequest | RowsNext;

/** Some rows of an import file, in order. */
export interface RowsPart {
  rows: SourceRow[];
  /** No rows follow. */
  done: boolean;
  /** The encoding found so far (final in the last part). */
  encoding: string;
  progress: ReadProgress;
}

export type WorkerReply =
  | { id: number; ok: true; doc: ExtractedDocument }
  | { id: number; ok: false; refused: boolean; message: string }
  | { id: number; part: RowsPart }
  /** Pages of a long document read so far (the reply with the text follows). */
  | { id: number; reading: ReadingProgress }
  | { ready: true };

/** Exit code meaning "over the memory budget" (the parent turns it into the reason shown to the user). */
export const EXIT_OVER_MEMORY = 86;
/** Rows per part: large enough that messages are few, small enough that one part is a few MB. */
const PART_ROWS = 1000;
/** Reading progress is sent at most this often: enough for a progress line, few messages for a long book. */
const PROGRESS_MS = 100;

const budgetMb = Number(process.env.TROVE_EXTRACT_MEMORY_MB) || 512;
const byType = new Map<string, Extractor>();
for (const e of documentExtractors()) for (const t of e.fileTypes) byType.set(t, e);
const imports = new Map<number, { source: OpenedSource; rows: AsyncIterator<SourceRow> }>();

// Checked often: typed arrays (PDF streams, unzipped parts) live outside the V8 heap limit.
setInterval(() => {
  if (process.memoryUsage.rss() > budgetMb * 1024 * 1024) process.exit(EXIT_OVER_MEMORY);
}, 50).unref();

process.on('disconnect', () => process.exit(0));
// A reader's stray rejected promise must not end the process in the middle of another file.
process.on('unhandledRejection', () => {});

function failure(id: number, err: unknown): WorkerReply {
  // Bad input of any kind (not text, a missing column, a zip bomb) is the file's fault: refused.
  const refused = err instanceof ExtractionRefused || (err instanceof Error && /^(NotTextError|ColumnError)$/.test(err.name));
  return { id, ok: false, refused, message: err instanceof Error ? err.message : String(err) };
}

async function extract(msg: ExtractRequest): Promise<WorkerReply> {
  const extractor = byType.get(msg.fileType);
  if (!extractor) throw new ExtractionRefused(`no reader for .${msg.fileType} files`);
  const bytes = Buffer.from(msg.bytes.buffer, msg.bytes.byteOffset, msg.bytes.byteLength);
  let sentAt = 0;
  const onProgress = (reading: ReadingProgress) => {
    const now = Date.now();
    if (now - sentAt < PROGRESS_MS && reading.done < reading.total) return;
    sentAt = now;
    process.send!({ id: msg.id, reading } satisfies WorkerReply);
  };
  return { id: msg.id, ok: true, doc: await extractor.extract(bytes, msg.fileType, { onProgress }) };
}

async function nextPart(id: number): Promise<WorkerReply> {
  const open = imports.get(id);
  if (!open) throw new Error(`no import ${id} is being read`);
  const rows: SourceRow[] = [];
  let done = false;
  while (rows.length < PART_ROWS) {
    const next = await open.rows.next();
    if (next.done) {
      done = true;
      break;
    }
    rows.push(next.value);
  }
  if (done) imports.delete(id);
  return { id, part: { rows, done, encoding: open.source.encoding, progress: open.source.progress() } };
}

process.on('message', async (msg: WorkerRequest) => {
  let reply: WorkerReply;
  try {
    if ('fileType' in msg) reply = await extract(msg);
    else if ('rows' in msg) {
      // Loaded on first use: a process that only reads documents never loads the spreadsheet reader.
      const { openSource } = await import('../questions/open-source');
      const source = await openSource(msg.rows.file, msg.rows.format, msg.rows.options);
      imports.set(msg.id, { source, rows: source.rows[Symbol.asyncIterator]() });
      reply = await nextPart(msg.id);
    } else reply = await nextPart(msg.id);
  } catch (err) {
    imports.delete(msg.id);
    reply = failure(msg.id, err);
  }
  process.send!(reply);
});
process.send!({ ready: true } satisfies WorkerReply);
