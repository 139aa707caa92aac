/**
 * The messages between IsolatedExtractor and the reading process (src/worker/extract-worker.ts): a
 * document to read, an import file to read a part at a time, and what comes back.
 */
import type { ImportFormat } from '../../shared/questions';
import type { ReadOptions, ReadProgress, SourceRow } from './import-rows';
import type { ExtractedDocument, ReadingProgress } from './types';

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
