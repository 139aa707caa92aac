/**
 * The reading process: reads one document, or one question-bank import file, at a time for
 * IsolatedExtractor. It runs with a small V8 heap (--max-old-space-size) and exits by itself when its
 * resident memory passes the budget (core/process/memory-budget.ts), so a hostile file can cost this
 * process, never the one that answers searches.
 */
import type { ImportFormat } from '../../shared/questions';
import type { OpenedSource, ReadOptions, ReadProgress, SourceRow } from './import-rows';
import { childPort } from '../process/child-port';
import { keepWithinMemoryBudget } from '../process/memory-budget';
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

/** The caller is ready for the next part of import `next` (the id of its RowsRequest). */
export interface RowsNext {
  id: number;
  next: number;
}

export type WorkerRequest = ExtractRequest | RowsRequest | RowsNext;

/** The supervisor's own messages: start (answered with ready) and leave. */
export type ReaderControl = { init: true } | { shutdown: true };

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

/** Rows per part: large enough that messages are few, small enough that one part is a few MB. */
const PART_ROWS = 1000;
/** Reading progress is sent at most this often: enough for a progress line, few messages for a long book. */
const PROGRESS_MS = 100;

keepWithinMemoryBudget(512);
const byType = new Map<string, Extractor>();
for (const e of documentExtractors()) for (const t of e.fileTypes) byType.set(t, e);
const imports = new Map<number, { source: OpenedSource; rows: AsyncIterator<SourceRow> }>();

const port = childPort<WorkerReply>('extract-worker');
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
    port.send({ id: msg.id, reading });
  };
  return { id: msg.id, ok: true, doc: await extractor.extract(bytes, msg.fileType, { onProgress }) };
}

/** The next part of import `importId`, as the reply to request `id`. */
async function nextPart(id: number, importId: number): Promise<WorkerReply> {
  const open = imports.get(importId);
  if (!open) throw new Error(`no import ${importId} is being read`);
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
  if (done) imports.delete(importId);
  return { id, part: { rows, done, encoding: open.source.encoding, progress: open.source.progress() } };
}

async function receive(msg: WorkerRequest | ReaderControl): Promise<void> {
  if ('init' in msg) return port.send({ ready: true });
  if ('shutdown' in msg) return process.exit(0);
  let reply: WorkerReply;
  const importId = 'next' in msg ? msg.next : msg.id;
  try {
    if ('fileType' in msg) reply = await extract(msg);
    else if ('rows' in msg) {
      // Loaded on first use: a process that only reads documents never loads the spreadsheet reader.
      const { openSource } = await import('../questions/open-source');
      const source = await openSource(msg.rows.file, msg.rows.format, msg.rows.options);
      imports.set(msg.id, { source, rows: source.rows[Symbol.asyncIterator]() });
      reply = await nextPart(msg.id, msg.id);
    } else reply = await nextPart(msg.id, importId);
  } catch (err) {
    imports.delete(importId);
    reply = failure(msg.id, err);
  }
  port.send(reply);
}

// The parent went away: nothing to read for.
port.listen((msg) => void receive(msg as WorkerRequest | ReaderControl), () => process.exit(0));
