/**
 * One batch of files from the queue to the corpus. Each file is first settled on its own if it can be:
 * gone, still changing, unreadable, unchanged, or content already stored under another path (moved or
 * copied: reused, never embedded again). The rest are cut into passages and embedded together in one
 * call to the model, then each is written in its own transaction, so a kill loses at most this batch.
 */
import { existsSync } from 'node:fs';
import type { Chunk } from '../chunk/chunker';
import type { Corpus } from '../corpus/corpus';
import type { Embedder, TokenCounter } from '../embed/types';
import type { ExtractorRegistry } from '../extract/extractors';
import type { FileFacts } from '../store/rows';
import type { FileProgress } from '../../shared/types';
import type { IndexJob, IndexQueue } from './index-queue';
import { extractChunks, readFileSafely } from './prepare-file';
import type { IndexTotals, ProgressMeter } from './progress-meter';

/** What a batch works with: the corpus it writes, the model, the readers, and where progress goes. */
export interface BatchDeps {
  /** Owns the stored rows and the in-memory vectors of the embedding set being indexed. */
  corpus: Corpus;
  embedder: Embedder;
  counter: TokenCounter;
  extractors: ExtractorRegistry;
  maxFileBytes: () => number;
  /** Called after every batch and state change (the service throttles it into progress events). */
  onProgress: () => void;
}

/** What a batch needs of the indexer running it. */
export interface BatchHost {
  readonly deps: BatchDeps;
  readonly queue: IndexQueue;
  readonly totals: IndexTotals;
  readonly meter: ProgressMeter;
  /** Aborted when the indexer stops: the document being read and the passages being embedded are given up. */
  readonly signal: AbortSignal;
  /** The file in hand, for the progress line (its progress starts again). */
  fileInHand(path: string): void;
  /** How far the file in hand is: pages read, or passages of the batch embedded. */
  fileProgress(progress: FileProgress): void;
  enqueue(job: IndexJob): void;
  enqueueRemoval(job: IndexJob): void;
  fail(job: IndexJob, f: { size: number; mtimeMs: number; reason: string }, contentHash?: string | null): void;
  /** Searchable content changed. */
  changed(): void;
}

/** A file read and cut into passages, waiting for the model. */
interface CutFile {
  facts: FileFacts;
  chunks: Chunk[];
}

/** Passages embedded per batch at most (a file is never split: a batch holds at least one). */
const CHUNKS_PER_BATCH = 128;

export async function indexBatch(host: BatchHost, batch: IndexJob[]): Promise<void> {
  const { corpus } = host.deps;
  // The model these passages are cut for and embedded by; see the change-over check below.
  const setId = corpus.embeddingSetId;
  const toEmbed: CutFile[] = [];
  let chunkCount = 0;
  let done = 0;
  for (const job of batch) {
    host.fileInHand(job.path);
    const cut = await prepare(host, job);
    // Chunking is synchronous: give searches and events a turn between files.
    await new Promise((r) => setImmediate(r));
    if (!cut) {
      done++;
      continue;
    }
    if (chunkCount > 0 && chunkCount + cut.chunks.length > CHUNKS_PER_BATCH) {
      // Keep batches small so a kill loses little work; the rest goes back to the front of the queue.
      host.queue.requeueFront(batch.slice(batch.indexOf(job)));
      break;
    }
    toEmbed.push(cut);
    chunkCount += cut.chunks.length;
  }
  if (toEmbed.length === 0) {
    host.meter.record(done, 0);
    return;
  }
  const embedded = await embed(host, toEmbed);
  if (!embedded) {
    host.meter.record(done + toEmbed.length, 0);
    return;
  }
  if (corpus.embeddingSetId !== setId) {
    // The index changed over to another model while these passages were cut and embedded by the
    // old one: writing them would mix two models. Cut and embed them again with the new one.
    host.queue.requeueFront(toEmbed.map(({ facts }) => ({ path: facts.path, folderId: facts.folderId })));
    host.meter.record(done, 0);
    return;
  }
  let v = 0;
  for (const { facts, chunks } of toEmbed) {
    const stored = chunks.map((c) => ({ ...c, vector: embedded.vectors[v++] }));
    if (!corpus.hasFolder(facts.folderId)) continue; // the folder was removed while this batch was embedded
    if (!stillWanted(host, facts.path)) continue;
    corpus.writeFile(facts, stored);
    host.totals.embedded++;
    host.totals.chunksEmbedded += chunks.length;
  }
  host.changed();
  host.meter.record(done + toEmbed.length, chunkCount - embedded.reported);
}

/**
 * Every passage of the batch embedded in one call (each tokenised once: the chunker's token ids go with
 * the texts). Null when the model gave up, each file then listed as a problem.
 */
async function embed(host: BatchHost, files: CutFile[]): Promise<{ vectors: Float32Array[]; reported: number } | null> {
  const texts = files.flatMap((f) => f.chunks.map((c) => c.text));
  let reported = 0; // passages already counted by the embedding's progress
  const onProgress = (n: number) => {
    host.meter.passages(n - reported);
    reported = n;
    host.fileProgress({ unit: 'passages', done: n, total: texts.length });
    host.deps.onProgress();
  };
  const t0 = performance.now();
  try {
    const tokenIds = files.flatMap((f) => f.chunks.map((c) => c.tokenIds));
    const vectors = await host.deps.embedder.encode(texts, { role: 'passage', signal: host.signal, onProgress, tokenIds });
    host.totals.embedMs += performance.now() - t0;
    return { vectors, reported };
  } catch (err) {
    if (host.signal.aborted) throw err;
    // The embedding process gave up (it already restarts and retries after a crash): say so per file.
    const reason = `could not compute the passages' vectors: ${err instanceof Error ? err.message : String(err)}`;
    for (const { facts } of files) if (stillWanted(host, facts.path)) host.fail(facts, { ...facts, reason });
    return null;
  }
}

/** Decide what a file needs; returns it cut into passages when it must be embedded, else settles it here. */
async function prepare(host: BatchHost, job: IndexJob): Promise<CutFile | null> {
  const { corpus } = host.deps;
  const old = corpus.fileAt(job.path);
  const read = await readFileSafely(job.path, host.deps.maxFileBytes());
  if (read.kind === 'gone') {
    if (old) host.enqueueRemoval(job);
    return null;
  }
  if (read.kind === 'changing') {
    const delay = host.queue.retryDelay(job.path);
    if (delay !== null) setTimeout(() => host.enqueue(job), delay).unref();
    else host.fail(job, { size: 0, mtimeMs: 0, reason: 'the file kept changing while being read; will retry when it is saved again' });
    return null;
  }
  host.queue.readWhole(job.path);
  if (read.kind === 'failed') {
    host.fail(job, read);
    return null;
  }
  const facts: FileFacts = { folderId: job.folderId, path: job.path, size: read.size, mtimeMs: read.mtimeMs, contentHash: read.contentHash };
  if (corpus.isCurrent(old, { contentHash: read.contentHash })) {
    corpus.touchFile(old.id, read.size, read.mtimeMs);
    host.totals.unchanged++;
    return null;
  }
  if (!stillWanted(host, job.path)) return null;
  // A stored copy of this content; one whose file is gone (a move) before one still on disk (a copy).
  const gone = (path: string) => host.queue.isLeaving(path) || !existsSync(path);
  const twin = corpus.reusableTwin(read.contentHash, job.path, (t) => gone(t.path));
  if (twin) {
    if (gone(twin.path)) {
      host.queue.cancelRemoval(twin.path);
      corpus.moveFile(twin.id, facts);
    } else {
      corpus.copyFile(facts, twin);
    }
    host.totals.reused++;
    host.changed();
    return null;
  }
  const extracted = await extractChunks(job.path, read.bytes, host.deps.extractors, host.deps.counter, host.deps.embedder.maxSeqLength, {
    signal: host.signal,
    onProgress: (p) => {
      host.fileProgress({ unit: 'pages', ...p });
      host.deps.onProgress();
    },
  });
  if ('reason' in extracted) {
    if (!stillWanted(host, job.path)) return null;
    host.fail(job, { size: read.size, mtimeMs: read.mtimeMs, reason: extracted.reason }, read.contentHash);
    return null;
  }
  return { facts, chunks: extracted.chunks };
}

/**
 * Checked just before an in-flight file is written, in the same synchronous step as the write: it was
 * not withdrawn by an event meanwhile, and it is still on disk (its deletion may not have been reported
 * yet; if it is deleted after this check, the removal finds the row and takes it out).
 */
function stillWanted(host: BatchHost, path: string): boolean {
  return !host.queue.isWithdrawn(path) && existsSync(path);
}
