/** The shapes of what the index stores, as the store's reads return them and its writes take them. */

export interface IndexedFileRow {
  id: number;
  folderId: number;
  path: string;
  size: number;
  mtimeMs: number;
  contentHash: string | null;
  state: 'indexed' | 'failed';
  error: string | null;
  embeddingSetId: number | null;
  updatedAt: number;
}

export interface FolderRow {
  id: number;
  path: string;
}

/** A passage ready to store: offsets into the extracted text, and its vector. */
export interface ChunkToStore {
  start: number;
  end: number;
  location: string | null;
  text: string;
  vector: Float32Array;
}

export interface StoredChunk {
  id: number;
  fileId: number;
  seq: number;
  start: number;
  end: number;
  location: string | null;
  text: string;
}

export interface FileFacts {
  folderId: number;
  path: string;
  size: number;
  mtimeMs: number;
  contentHash: string | null;
}

/** One model's vectors in an index (`status` shows these). */
export interface VectorSetSummary {
  /** embedding_sets.id */
  id: number;
  modelId: string;
  dimension: number;
  pipelineVersion: number;
  /** Passages with a vector of this set, and passages of indexed files. */
  vectors: number;
  passages: number;
  /** Every passage has a vector of this set: switching to its model needs no embedding. */
  complete: boolean;
  /** Indexed files searched with this set now. */
  files: number;
  /** Bytes its vectors take (float32). */
  bytes: number;
}

/** A stored vector of one passage, as SQLite holds it (float32 bytes). */
export interface StoredVector {
  chunkId: number;
  vector: Buffer;
}

export const FILE_COLUMNS = `id, folder_id AS folderId, path, size, mtime_ms AS mtimeMs, content_hash AS contentHash,
  state, error, embedding_set_id AS embeddingSetId, updated_at AS updatedAt`;

export const CHUNK_COLUMNS = 'id, file_id AS fileId, seq, start, end, location, text';
