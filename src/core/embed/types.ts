/** How token vectors become one vector (sentence-transformers Pooling). */
export type PoolingMode = 'mean' | 'cls' | 'max' | 'lasttoken';

/**
 * How two vectors are compared (sentence-transformers similarity_fn_name). Trove stores cosine models'
 * vectors L2-normalised, so for both functions the score is the dot product of the stored vectors.
 */
export type SimilarityFunction = 'cosine' | 'dot';

/** What a text is: a query (search box, a question asked) or a passage (indexed text, a bank's question). */
export type EncodeRole = 'query' | 'passage';

/** What the rest of core needs from an embedding engine, wherever it runs (in-process or in a child). */
export interface Embedder {
  /** Model id, e.g. "sentence-transformers/all-MiniLM-L6-v2"; vectors of different ids never mix. */
  readonly modelId: string;
  /** Vector length. */
  readonly dimension: number;
  /** Word pieces per input, including [CLS] and [SEP]; longer inputs are truncated. */
  readonly maxSeqLength: number;
  /** The model's similarity function; scores are dot products of the vectors encode returns. */
  readonly similarity: SimilarityFunction;
  /**
   * Vectors, one per text, in input order; L2-normalised for cosine models. Texts are truncated at maxSeqLength word
   * pieces. Empty strings give the vector of "[CLS] [SEP]", like sentence-transformers.
   */
  encode(texts: string[], options?: EncodeOptions): Promise<Float32Array[]>;
  /**
   * Load the weights now and run the model's check; rejects when the model is refused. The indexer
   * asks before reading any file, so an unusable model fails once, not once per file.
   */
  warmup?(): Promise<void>;
  /**
   * Re-ranking: one relevance score per passage for `query`, by the cross-encoder (re-ranker) in
   * `modelDir`, as sentence-transformers' CrossEncoder.predict gives it. It runs where the embedding
   * model runs (its own process), loaded on first use and kept while the same folder is asked for.
   */
  scorePairs?(modelDir: string, query: string, passages: string[]): Promise<Float32Array>;
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
  /**
   * Queries and passages get the model's own prompt for that role (e5: "query: " / "passage: ").
   * Unset: the model's default prompt, if any.
   */
  role?: EncodeRole;
  /** Give up on the call (the indexer is stopping): the model stops working on it, the promise rejects. */
  signal?: AbortSignal;
  /** Called with the number of texts done so far, as a long call is worked through. */
  onProgress?: (done: number) => void;
  /**
   * Token ids from the model's tokenizer (TokenCounter.countedIds) per text, undefined where the
   * caller has none: the engine tokenises only the others. Used only when the role has no prompt (a
   * prompt's tokens and the text's are one encoding); the texts still give the language balance. Ids
   * of another model's tokenizer give wrong vectors: the indexer drops vectors made while the model
   * changed over.
   */
  tokenIds?: Array<number[] | undefined>;
}

/** Counts word pieces the way the model's tokenizer does; used by the chunker. */
export interface TokenCounter {
  /** Word pieces in `text` without [CLS]/[SEP]. */
  count(text: string): number;
  /**
   * The ids the model is fed for `text` (with its special tokens), when this counter counted exactly
   * this text lately and it fits maxSeqLength; undefined otherwise (never tokenises). The chunker gives
   * them to its passages so the embedding engine need not tokenise them again.
   */
  countedIds?(text: string): number[] | undefined;
}
