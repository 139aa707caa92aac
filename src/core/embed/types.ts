/** What the rest of core needs from an embedding engine, wherever it runs (in-process or in a child). */
export interface Embedder {
  /** Model id, e.g. "sentence-transformers/all-MiniLM-L6-v2"; vectors of different ids never mix. */
  readonly modelId: string;
  /** Vector length. */
  readonly dimension: number;
  /** Word pieces per input, including [CLS] and [SEP]; longer inputs are truncated. */
  readonly maxSeqLength: number;
  /**
   * L2-normalised vectors, one per text, in input order. Texts are truncated at maxSeqLength word
   * pieces. Empty strings give the vector of "[CLS] [SEP]", like sentence-transformers.
   */
  encode(texts: string[], options?: EncodeOptions): Promise<Float32Array[]>;
  /** Release the model (and its process, if any). */
  close(): Promise<void>;
}

export type EncodePriority = 'high' | 'normal';

export interface EncodeOptions {
  /** Texts per model call (default 32). */
  batchSize?: number;
  /**
   * 'high' for a person waiting (a search query): served before queued bulk work, between its model
   * batches. Default 'normal' (indexing, imports).
   */
  priority?: EncodePriority;
}

/** Counts word pieces the way the model's tokenizer does; used by the chunker. */
export interface TokenCounter {
  /** Word pieces in `text` without [CLS]/[SEP]. */
  count(text: string): number;
}
