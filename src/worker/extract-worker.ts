/**
 * The reading process: reads one document, or one question-bank import file, at a time for
 * IsolatedExtractor. It runs with a small V8 heap (--max-old-space-size) and exits by itself when its
 * resident memory passes the budget (core/process/memory-budget.ts), so a hostile file can cost this
 * process, never the one that answers searches. Its entry lives here, beside the other processes',
 * because it puts together two layers of the engine: core/extract's document readers and the
 * question banks' file readers (core/questions/open-source.ts).
 */
import { childPort } from '../core/process/child-port';
import { keepWithinMemoryBudget } from '../core/process/memory-budget';
import { documentExtractors } from '../core/extract/document-extractors';
import type { OpenedSource, SourceRow } from '../core/extract/import-rows';
import type { ExtractRequest, ReaderControl, WorkerReply, WorkerRequest } from '../core/extract/reader-protocol';
import { ExtractionRefused, type Extractor, type ReadingProgress } from '../core/extract/types';

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
      const { openSource } = await import('../core/questions/open-source');
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
