/**
 * Domain types shared by every process. No node:*, no electron: the renderer imports these too.
 */

/** Narrows a search to some files. Every field is optional; all given fields must hold. */
export interface SearchFilters {
  /** Only files under these indexed folders (absolute paths as listed by `listFolders`). */
  folders?: string[];
  /** Only files of these types: lower-case extensions without the dot ("pdf", "docx"). */
  types?: string[];
  /** Only files modified at or after this time (ms since epoch). */
  after?: number;
  /** Only files modified before this time (ms since epoch). */
  before?: number;
}

/**
 * Which indexes answer: both fused (the default), the vectors alone ("meaning") or the keyword index
 * alone ("words"). The single-index modes exist for evaluation and for people who want them.
 */
export type SearchMode = 'hybrid' | 'meaning' | 'words';

/** What a user types into the search box. */
export interface SearchQuery {
  /**
   * The question or words to look for; 1–10,000 characters (longer input is rejected, not cut).
   * Syntax: `"exact phrase"` must occur; `-word` excludes files containing the word; anything else is
   * matched by meaning and by words. Operators of the keyword engine typed by a person are plain text.
   */
  text: string;
  /** How many files to return, best first (1–100, default 10). */
  k?: number;
  /** Restrict the search to some folders, types or dates. */
  filters?: SearchFilters;
  /** Order of the files: by relevance (default) or newest first among the matches. */
  sort?: 'relevance' | 'date';
  /** Which indexes answer (default "hybrid"). */
  mode?: SearchMode;
  /** Search the text exactly as typed, without spelling correction ("search instead for …"). */
  exact?: boolean;
  /**
   * Re-order the best passages with the chosen re-ranker (a cross-encoder, Settings.reranker): true or
   * false for this search; unset, Settings.rerank decides. Without a chosen re-ranker nothing is re-ranked.
   */
  rerank?: boolean;
}

/** How a search's results were re-ranked. */
export interface RerankInfo {
  /** The re-ranker's model name (Settings → Models). */
  model: string;
  /** Its name for people. */
  label: string;
  /** Passages the re-ranker read (the best of the first stage). */
  passages: number;
}

/** Search for files like one already indexed ("Similar files"). */
export interface SimilarQuery {
  /** An indexed file (absolute path). */
  path: string;
  /**
   * A passage of that file (its `chunkId`): files closest to this passage. Without it, files closest to
   * the file as a whole (the mean of its passages' vectors).
   */
  chunkId?: number;
  /** How many files to return (1–100, default 10). The file itself is never among them. */
  k?: number;
  /** Restrict the answer like a search. */
  filters?: SearchFilters;
}

/** One matching passage inside a file. */
export interface Passage {
  /** Database id of the chunk; stable while the file's content is unchanged. */
  chunkId: number;
  /** The passage text as it was embedded. */
  text: string;
  /** Character offset of the passage's first character in the file's extracted text. */
  start: number;
  /** Character offset one past the passage's last character in the file's extracted text. */
  end: number;
  /**
   * How well the passage matches, used for ranking: in "meaning" mode and for similar files the cosine
   * similarity (−1…1); in "hybrid" and "words" modes a fused relevance where higher is better.
   */
  score: number;
  /** Cosine similarity between the query (or the source passage) and this passage, −1…1; null when not computed. */
  similarity: number | null;
  /** Query words (as typed or corrected) found in this passage by the keyword index; empty when none. */
  matchedTerms: string[];
  /** Where the passage is in the document for a person: "line 12", "§ Install › Linux", "page 3". */
  location: string | null;
  /**
   * The span inside `text` (offsets relative to `text`) that best matches the query: the sentence with
   * the most query words, else the whole passage. The UI highlights it.
   */
  highlight: { start: number; end: number };
}

/** One file in the results, with its best passage and a few more. */
export interface SearchHit {
  /** Absolute path of the file. */
  path: string;
  /** The indexed folder the file belongs to. */
  folder: string;
  /** File name without folders. */
  name: string;
  /** Lower-case extension without the dot ("md", "txt"); "" when the file has none. */
  fileType: string;
  /** The file's score: its best passage's score. */
  score: number;
  /** The best-matching passage. */
  best: Passage;
  /** Up to three further passages of the same file, best first. */
  more: Passage[];
  /** File size in bytes when indexed. */
  size: number;
  /** Modification time (ms since epoch) when indexed. */
  mtimeMs: number;
}

/** The answer to a search. */
export interface SearchResponse {
  /** The query text as searched. */
  query: string;
  /** Files, best first. */
  hits: SearchHit[];
  /** Milliseconds from receiving the query to the answer (embedding + ranking). */
  tookMs: number;
  /** Number of passages searched. */
  passagesSearched: number;
  /** How many files matched in all (before cutting to `k`); `hits.length` is at most `k`. */
  totalFiles: number;
  /**
   * Set when the query as typed matched poorly and a spelling correction was searched instead: the UI
   * says "Showing results for {corrected}; search instead for {original}" (the latter re-runs with `exact`).
   */
  correction: { original: string; corrected: string } | null;
  /**
   * "good": the best hits pass the calibrated cut-off. "none": nothing does — `hits` then holds the few
   * nearest files only, for the UI to show greyed under "No good matches".
   */
  quality: 'good' | 'none';
  /**
   * Set when the query is written in a script the active model does not read (e.g. Chinese with an
   * English-only model): the script's name and, when one is available, a model id that reads it.
   */
  unsupportedScript: { script: string; suggestedModel: string | null } | null;
  /** Set when a re-ranker re-ordered the results (the UI says "Re-ranked by …"); null when not. */
  reranked: RerankInfo | null;
  /**
   * Re-ranking was asked for but could not be done (the re-ranker's folder is damaged or gone): why. The
   * results are then in first-stage order; null otherwise.
   */
  rerankProblem: string | null;
}

/** What the indexer is doing, sent as a progress event and returned by `status()`. */
export interface IndexProgress {
  /** idle: up to date; scanning: comparing disk and database; indexing: embedding; paused: by the user. */
  state: 'idle' | 'scanning' | 'indexing' | 'paused';
  /** Files finished (indexed or failed) in the current pass. */
  filesDone: number;
  /** Files to process in the current pass (grows while scanning). */
  filesTotal: number;
  /** Passages embedded in the current pass. */
  chunksDone: number;
  /** Recent embedding rate in passages per second (0 when idle). */
  chunksPerSecond: number;
  /** Estimated seconds until the pass is done; null when unknown or idle. */
  etaSeconds: number | null;
  /** The file being processed, or null. */
  currentFile: string | null;
  /** How far the file in hand is, once there is something to count (a long document); null otherwise. */
  currentFileProgress: FileProgress | null;
  /** Files in the index now (all folders). */
  filesIndexed: number;
  /** Passages in the index now (all folders). */
  chunksIndexed: number;
  /** Files that could not be indexed (see `problems()`). */
  problems: number;
  /** Model id whose vectors answer searches (the index's model). */
  model?: string;
  /**
   * A change of model under way (the model above answers until it is complete, then the engine
   * changes over without a restart); null or absent when none. Details in `listModels().switching`.
   */
  modelSwitch?: { to: string; stage: 'passages' | 'questions'; done: number; total: number } | null;
  /**
   * How searches run over the index now. loading: its vectors are being read from the database (after a
   * crash left the saved vector file out of date) and searches answer from the passages loaded so far;
   * building: a big index's search graph is being built and searches scan every passage meanwhile
   * (complete, slower); ready. done/total count passages.
   */
  searchIndex?: { state: 'loading' | 'building' | 'ready'; done: number; total: number };
  /**
   * The model cannot embed anything (every set of its weights was refused on load): why, naming the
   * model file, and what to do. No file is read while it is set. null or absent when the model works.
   */
  modelProblem?: string | null;
  /**
   * The model's chosen weights (e.g. int8) failed their check on this computer and its exact (fp32)
   * weights are used instead: a sentence saying so. null or absent when the chosen weights are in use.
   */
  modelNotice?: string | null;
}

/** Progress inside the file being indexed: pages while it is read, then passages while they are embedded. */
export interface FileProgress {
  /** What is counted: pages of the document read, or passages of the batch in hand embedded. */
  unit: 'pages' | 'passages';
  /** Pages or passages done. */
  done: number;
  /** Pages in the document, or passages in the batch. */
  total: number;
}

/** A file that could not be indexed, and why. */
export interface FileProblem {
  /** Absolute path of the file. */
  path: string;
  /** A sentence a person can act on, e.g. "not text (binary content)", "larger than the 50 MB limit". */
  reason: string;
  /** When it was recorded (ms since epoch). */
  at: number;
}

/** A folder the user asked Trove to index. */
export interface FolderInfo {
  /** Absolute path. */
  path: string;
  /** Files indexed in it. */
  files: number;
  /** How changes are noticed: native events, polling (fallback when the OS watch limit is hit), or not yet. */
  watching: 'native' | 'polling' | 'off';
  /** A problem with the folder itself (missing, unreadable, watch limit reached and what to do), or null. */
  warning: string | null;
}

/** Extracted text around a passage, for the preview pane. */
export interface Preview {
  /** Absolute path of the file. */
  path: string;
  /** A window of the file's extracted text around the passage. */
  text: string;
  /** Offset of `text`'s first character in the file's extracted text. */
  textStart: number;
  /** The passage's offsets relative to `text`, for highlighting. */
  passage: { start: number; end: number };
  /** Where the passage is ("line 12", "page 3"), or null. */
  location: string | null;
}

/** User settings, persisted in the data folder. */
export interface Settings {
  /** Extra gitignore-style patterns applied to every folder (added to the built-in defaults). */
  ignorePatterns: string[];
  /** File extensions (lower-case, no dot) that are indexed. */
  fileTypes: string[];
  /** Files larger than this many megabytes are skipped and listed as problems. */
  maxFileSizeMb: number;
  /** UI language: follow the OS, or a fixed one. */
  locale: 'auto' | 'en' | 'zh';
  /** Colour scheme: follow the OS, or a fixed one. */
  theme: 'system' | 'light' | 'dark';
  /**
   * The re-ranker (a cross-encoder model's name in Settings → Models) that re-orders search results;
   * null: none chosen, results are in first-stage (hybrid) order.
   */
  reranker: string | null;
  /** Re-rank searches with the chosen re-ranker (a search can still say otherwise: SearchQuery.rerank). */
  rerank: boolean;
  /**
   * Where the embedding model runs: 'cpu' (the default), 'auto' ("Use the graphics processor when
   * available": the GPU provider onnxruntime supports on this OS, else the CPU) or 'gpu' (also the
   * experimental WebGPU provider). A GPU that fails to load or to pass the model's check is never
   * used: the CPU is, with a notice (ModelInfo.device).
   */
  device: Device;
}

/** Where the embedding model may run (Settings.device). */
export type Device = 'cpu' | 'auto' | 'gpu';

/** Where the embedding model runs now. */
export interface DeviceInUse {
  /** The setting it was started with. */
  setting: Device;
  /** onnxruntime's execution provider in use: "cpu", "cuda", "dml", "coreml" or "webgpu". */
  provider: string;
  /** Why the graphics processor asked for is not used (the CPU is instead); null when it is, or the CPU was asked for. */
  notice: string | null;
  /** Each GPU provider tried and passed over: did not load, or its vectors failed the model's check. */
  failures: Array<{ provider: string; stage: 'load' | 'check'; message: string }>;
}

/** The embedding model in use. */
export interface ModelInfo {
  /** Model id, e.g. "sentence-transformers/all-MiniLM-L6-v2". */
  id: string;
  /** Vector dimension. */
  dimension: number;
  /** Which weights are loaded: "int8" or "fp32". */
  variant: string;
  /** Longest input in word pieces; longer passages are truncated. */
  maxSeqLength: number;
  /** False until the model has loaded in the embedding process. */
  ready: boolean;
  /**
   * The weights chosen (e.g. int8) failed their check on this computer and the exact ones are used
   * instead: which, and why. null when the chosen weights are in use.
   */
  fallback: { from: string; to: string; reason: string } | null;
  /** Where the model runs (CPU or a GPU provider) and, when a GPU was asked for but is not used, why. */
  device: DeviceInUse;
}

/** What adding a folder would take, counted before it is added (the UI shows it before a broad folder). */
export interface FolderEstimate {
  /** The folder's real path (symlinks resolved). */
  path: string;
  /** Files of the indexed types found in it; a lower bound when `complete` is false. */
  files: number;
  /** Their total size in bytes; a lower bound when `complete` is false. */
  bytes: number;
  /** False when counting stopped at its time limit (a few seconds) before the whole folder was seen. */
  complete: boolean;
  /**
   * 'root' for a whole drive ("/", "C:\", a network share), 'home' for the user's home folder: adding
   * one needs `confirmBroad` (the user saw this estimate and said yes). null for any other folder.
   */
  broad: 'root' | 'home' | null;
}

/** Options of `addFolder`. */
export interface AddFolderOptions {
  /** The user confirmed indexing a whole drive or home folder after seeing its estimate. */
  confirmBroad?: boolean;
}
