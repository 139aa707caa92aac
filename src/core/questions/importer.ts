/**
 * Rows from a reader into a bank: rows are matched to stored questions by id (or question text),
 * only new or changed questions go to the model, and each batch is written in one transaction, so a
 * failure part-way keeps everything before it. Skipped rows are reported with their row number.
 */
import { createHash } from 'node:crypto';
import type { ImportReport, QuestionBank, SkippedRow } from '../../shared/questions';
import type { Embedder } from '../embed/types';
import { rowKey, type BankStore, type NewQuestion } from './bank-store';
import type { OpenedSource, QuestionRow } from '../extract/import-rows';

/** Texts sent to the model per batch (one transaction each). */
export const IMPORT_BATCH = 512;
/** Texts per call to the model inside a batch, so progress moves every few seconds, not every 512 texts. */
const ENCODE_STEP = 64;
/** Skipped rows listed in a report; beyond this only the count grows (a broken 500 MB file must not flood memory). */
const MAX_LISTED_SKIPS = 10_000;

const sha = (s: string) => createHash('sha256').update(s).digest('base64');

/** Lower bound of word pieces: every word and punctuation mark is at least one. */
export function mayBeTruncated(text: string, maxSeqLength: number): boolean {
  if (text.length < maxSeqLength) return false;
  let n = 0;
  for (const _ of text.matchAll(/[\p{L}\p{N}]+|[^\s\p{L}\p{N}]/gu)) if (++n > maxSeqLength - 2) return true;
  return false;
}

interface Pending extends QuestionRow {
  key: string;
  questionHash: string;
  contentHash: string;
  existingId: number | null;
  embed: boolean;
}

export type ImportCounts = Omit<ImportReport, 'bank'>;

/** For progress: rows read and skipped, texts embedded, and rows done (read, and embedded if they needed it). */
export interface ImportCountsSoFar {
  rowsRead: number;
  skipped: number;
  embedded: number;
  rowsDone: number;
}

export async function importRows(
  store: BankStore,
  embedder: Embedder,
  bank: QuestionBank,
  source: OpenedSource,
  options: { removeMissing: boolean; onProgress?: (counts: ImportCountsSoFar) => void; signal?: AbortSignal },
): Promise<ImportCounts> {
  const report: ImportCounts = {
    format: source.format,
    encoding: source.encoding,
    rowsRead: 0,
    added: 0,
    updated: 0,
    unchanged: 0,
    removed: 0,
    embedded: 0,
    skipped: [],
    truncated: [],
  };
  let skippedTotal = 0;
  const skip = (s: SkippedRow) => {
    skippedTotal++;
    if (report.skipped.length < MAX_LISTED_SKIPS) report.skipped.push(s);
  };
  const stored = store.keys(bank.id);
  const seen = new Map<string, number>();
  let batch: Pending[] = [];
  let toEmbed = 0;
  // Rows read but still waiting for the model: reading runs far ahead of embedding, so they are not done.
  let waiting = 0;
  const progress = () =>
    options.onProgress?.({ rowsRead: report.rowsRead, embedded: report.embedded, skipped: skippedTotal, rowsDone: report.rowsRead + skippedTotal - waiting });

  const flush = async () => {
    if (!batch.length) return;
    const texts = batch.filter((p) => p.embed).map((p) => p.question);
    const vectors: Float32Array[] = [];
    for (let i = 0; i < texts.length; i += ENCODE_STEP) {
      options.signal?.throwIfAborted();
      vectors.push(...(await embedder.encode(texts.slice(i, i + ENCODE_STEP), { role: 'query' })));
      report.embedded += Math.min(ENCODE_STEP, texts.length - i);
      waiting = Math.max(0, waiting - ENCODE_STEP);
      progress();
    }
    const insert: NewQuestion[] = [];
    const update: Parameters<BankStore['writeBatch']>[1]['update'] = [];
    let v = 0;
    for (const p of batch) {
      const vector = p.embed ? vectors[v++] : undefined;
      const fields = { externalId: p.externalId, question: p.question, answer: p.answer, contentHash: p.contentHash, questionHash: p.questionHash };
      if (p.existingId === null) insert.push({ ...fields, vector: vector! });
      else update.push({ id: p.existingId, ...fields, vector });
    }
    store.writeBatch(bank.id, { insert, update, remove: [] });
    report.added += insert.length;
    report.updated += update.length;
    batch = [];
    toEmbed = 0;
    waiting = 0;
  };

  try {
    for await (const r of source.rows) {
      options.signal?.throwIfAborted();
      progress();
      if ('skip' in r) {
        skip({ row: r.row, reason: r.skip });
        continue;
      }
      report.rowsRead++;
      const key = rowKey(r.externalId, r.question);
      const first = seen.get(key);
      if (first !== undefined) {
        skip({ row: r.row, reason: r.externalId !== null ? `duplicate id "${r.externalId}" (first on row ${first})` : `duplicate question (same text as row ${first})` });
        continue;
      }
      seen.set(key, r.row);
      if (mayBeTruncated(r.question, embedder.maxSeqLength)) report.truncated.push(r.row);
      const questionHash = sha(r.question);
      const contentHash = sha(`${r.question}\u0000${r.answer ?? ''}\u0000${r.externalId ?? ''}`);
      const old = stored.get(key);
      if (old && old.contentHash === contentHash) {
        report.unchanged++;
        continue;
      }
      const embed = !old || old.questionHash !== questionHash;
      batch.push({ ...r, key, questionHash, contentHash, existingId: old?.id ?? null, embed });
      if (embed) {
        toEmbed++;
        waiting++;
      }
      if (toEmbed >= IMPORT_BATCH || batch.length >= 4 * IMPORT_BATCH) await flush();
    }
    await flush();
  } catch (err) {
    // Nothing read yet (bad column, not a text file...): a plain error, nothing was imported.
    if (report.rowsRead === 0 && skippedTotal === 0) throw options.signal?.aborted ? new Error('the import was cancelled before any row was read') : err;
    const why = options.signal?.aborted ? 'cancelled' : err instanceof Error ? err.message : String(err);
    // Rows read but not yet stored (the batch being embedded) are not in the bank: count only what is.
    report.error = `stopped after ${report.rowsRead} rows were read: ${why}; the ${report.added + report.updated} questions stored before that stay in the bank`;
  }
  // Known only once read: a file can turn out to hold rows in several encodings.
  report.encoding = source.encoding;
  // Sync: what the file no longer has goes, but only after a complete read.
  if (options.removeMissing && !report.error) {
    const gone = [...stored].filter(([k]) => !seen.has(k)).map(([, s]) => s.id);
    for (let i = 0; i < gone.length; i += 4096) store.writeBatch(bank.id, { insert: [], update: [], remove: gone.slice(i, i + 4096) });
    report.removed = gone.length;
  }
  if (skippedTotal > report.skipped.length) {
    report.skipped.push({ row: 0, reason: `…and ${skippedTotal - report.skipped.length} more skipped rows not listed` });
  }
  return report;
}
