/**
 * The similar-question lookup API: question banks, live matching, duplicates and clusters. Plain data
 * in and out, so the same functions can sit behind IPC. No node:*, no electron.
 */

/** A named set of questions (with optional answers) embedded with one model. */
export interface QuestionBank {
  /** Stable numeric id. */
  id: number;
  /** Unique, user-chosen name. */
  name: string;
  /** Absolute path of the file it was last imported from (null if built by hand). */
  sourceFile: string | null;
  /** Model id of the vectors stored for this bank, e.g. "sentence-transformers/all-MiniLM-L6-v2". */
  modelId: string;
  /** Number of questions in the bank. */
  size: number;
  /** When the bank was created (ms since epoch). */
  createdAt: number;
  /** When the bank last changed (ms since epoch). */
  updatedAt: number;
}

/** One question of a bank. */
export interface BankQuestion {
  /** Row id inside Trove. */
  id: number;
  /** The id the source file gave it (from the id column), or null. */
  externalId: string | null;
  /** Full question text (never truncated in storage). */
  question: string;
  /** The answer, if the source had one. */
  answer: string | null;
}

/** Which columns of a table (CSV/TSV/XLSX) hold what: a header name or a 0-based index. */
export interface ColumnChoice {
  /** Column holding the question (default: a column named like "question", else the first). */
  question?: string | number;
  /** Optional column holding the answer. */
  answer?: string | number;
  /** Optional column holding a stable id per row (used to match rows across re-imports). */
  id?: string | number;
}

/** File formats a bank can be imported from (by default chosen by the file extension). */
export type ImportFormat = 'csv' | 'tsv' | 'txt' | 'json' | 'jsonl' | 'xlsx' | 'md';

export interface ImportOptions {
  /** Bank to fill; created if missing. */
  bank: string;
  /** Column choice for tabular files. */
  columns?: ColumnChoice;
  /** Force a format instead of going by the file extension. */
  format?: ImportFormat;
  /** Whether the first row is a header: true, false or "auto" (default: detect). */
  header?: boolean | 'auto';
  /** Sheet name or 1-based index for XLSX (default: the first sheet). */
  sheet?: string | number;
  /**
   * Keep the bank in step with the file: questions that are no longer in the file are removed
   * (default true when re-importing the bank's own source file, false otherwise).
   */
  removeMissing?: boolean;
  /** Called about twice a second while the import runs, and once at the end. */
  onProgress?: (progress: ImportProgress) => void;
  /** Aborting it stops the import after the row being read; the rows already stored stay (the report says so). */
  signal?: AbortSignal;
}

/** How far an import is: sent to the UI as the `importProgress` event and printed by the CLI. */
export interface ImportProgress {
  /** The bank being filled. */
  bank: string;
  /** The file's name (without its folder). */
  file: string;
  /** Rows read so far (excluding skipped rows). */
  rowsRead: number;
  /** Rows skipped so far. */
  skipped: number;
  /** Rows done: read and, when they needed it, embedded and stored (reading runs ahead of the model). */
  rowsDone: number;
  /** Rows in the file, counted before the import (lines for text formats: quoted fields over several lines make it an overestimate); null when unknown. */
  rowsTotal: number | null;
  /** Bytes of the file read so far. */
  bytesRead: number;
  /** Size of the file in bytes. */
  bytesTotal: number;
  /** Questions embedded so far. */
  embedded: number;
  /** Share of the work done, 0–1 (rows of rowsTotal when known, else bytes; below 1 until done). */
  fraction: number;
  /** Rows done per second since the import started. */
  rowsPerSecond: number;
  /** Seconds left at the current rate; null until there is enough to estimate from. */
  etaSeconds: number | null;
  /** Milliseconds since the import started. */
  elapsedMs: number;
  /** True in the last event of an import (finished, or stopped by an error). */
  done: boolean;
}

/** A row of the input that was not imported, and why. */
export interface SkippedRow {
  /** 1-based row (line for text formats, record for JSON arrays, sheet row for XLSX). */
  row: number;
  /** Human-readable reason, e.g. "empty question" or "duplicate id \"17\" (first seen on row 4)". */
  reason: string;
}

/** What an import did. */
export interface ImportReport {
  /** The bank after the import. */
  bank: QuestionBank;
  /** Format the file was read as. */
  format: ImportFormat;
  /** Text encoding detected (e.g. "UTF-8", "UTF-16LE", "GB18030", "Shift_JIS"). */
  encoding: string;
  /** Rows read from the file (excluding a header row). */
  rowsRead: number;
  /** Questions new to the bank (embedded). */
  added: number;
  /** Questions whose text or answer changed (re-embedded only if the question text changed). */
  updated: number;
  /** Questions already present and unchanged (not embedded again). */
  unchanged: number;
  /** Questions removed because they are no longer in the file (sync mode). */
  removed: number;
  /** Texts sent to the embedding model. */
  embedded: number;
  /** Rows not imported, with row numbers and reasons. */
  skipped: SkippedRow[];
  /** Rows whose question is longer than the model reads (256 word pieces): stored in full, matched on the start. */
  truncated: number[];
  /** Set when the import stopped early (e.g. a read error); everything before it is kept. */
  error?: string;
}

/** One match for an asked question. */
export interface QuestionMatch {
  /** Row id of the matching question. */
  id: number;
  /** The id the source file gave it, or null. */
  externalId: string | null;
  /** The stored question, in full. */
  question: string;
  /** Its answer, if it has one (to copy to the asker). */
  answer: string | null;
  /** Cosine similarity, −1…1. */
  score: number;
  /** "same" when score ≥ the threshold, else "related". */
  kind: 'same' | 'related';
}

/**
 * Default score from which a match is "the same question": the cut-off with the best balanced
 * accuracy (Youden's J) between STS-B dev pairs with gold ≥ 4.0 and the rest, for the shipped model
 * (all-MiniLM-L6-v2). Re-derive with `npm run trove -- questions calibrate ../shared/eval/stsb/sts-dev.csv`
 * (src/core/eval/same-threshold.ts) when the model changes.
 */
export const DEFAULT_SAME_THRESHOLD = 0.77;

export interface AskOptions {
  /** How many matches (default 5). */
  k?: number;
  /** Score at or above which a match counts as the same question (default DEFAULT_SAME_THRESHOLD, 0.77). */
  sameThreshold?: number;
}

/** What a duplicate pair's reviewer decided. */
export type PairDecision = 'keep' | 'merge' | 'dismiss';

/** Two questions of a bank that look like the same question. */
export interface DuplicatePair {
  /** Cosine similarity. */
  score: number;
  /** The question with the lower row id (kept by a merge). */
  a: BankQuestion;
  /** The question with the higher row id (removed by a merge). */
  b: BankQuestion;
  /** Review decision, or null while unreviewed. */
  decision: PairDecision | null;
}

export interface DuplicatesOptions {
  /** Minimum score (default 0.85). */
  threshold?: number;
  /** Neighbours considered per question, as util.paraphrase_mining's top_k (default 100). */
  topK?: number;
  /** Upper bound of pairs kept, as util.paraphrase_mining's max_pairs (default 500,000). */
  maxPairs?: number;
}

/** A topic group of questions. */
export interface QuestionCluster {
  /** The most central question (the community's seed); its text is the cluster's label. */
  label: BankQuestion;
  /** Members, most central first (label included). */
  members: BankQuestion[];
  /** Member count. */
  size: number;
}

/** Every question of a bank sorted into topic groups, and the ones in no group. */
export interface QuestionGroups {
  /** Groups of at least the minimum size, largest first. */
  clusters: QuestionCluster[];
  /** Questions in no group (at most UNCLUSTERED_LISTED of them; `unclusteredCount` has them all). */
  unclustered: BankQuestion[];
  /** How many questions are in no group. */
  unclusteredCount: number;
  /** Questions in the bank. */
  total: number;
}

/** Questions in no group sent with QuestionGroups; a 100,000-question bank must not send them all. */
export const UNCLUSTERED_LISTED = 5000;

export interface ClustersOptions {
  /** Minimum cosine similarity to the seed (default 0.75). */
  threshold?: number;
  /** Smallest cluster reported (default 3). */
  minSize?: number;
}

/**
 * A labelled pair of questions for fine-tuning (tools/model/finetune.py), from the bank's reviews:
 * a merge says "the same question" (score 1.0); "keep both" and "dismiss" say the reviewer looked and
 * found two different questions (0.0); a mined hard negative is a question close to a merged one that
 * was not merged with it (0.0).
 */
export interface TrainingPair {
  sentence1: string;
  sentence2: string;
  /** 1 (same question) or 0 (different questions). */
  score: 0 | 1;
  /** Where the label comes from. */
  kind: 'merged' | 'kept' | 'dismissed' | 'hard-negative';
}

/** Scores written for each review decision by `questions export-pairs`. */
export const DECISION_SCORES = { merge: 1, keep: 0, dismiss: 0 } as const satisfies Record<PairDecision, 0 | 1>;

export interface TrainingPairsOptions {
  /**
   * Hard negatives mined per merged pair (default 0): the bank's questions closest to the kept
   * question that were not merged with it and score below the merged pair, labelled 0.0.
   */
  hardNegatives?: number;
}

/** How many pairs of each kind an export of training pairs wrote. */
export interface TrainingPairsSummary {
  /** All pairs written. */
  pairs: number;
  /** From merges (score 1.0). */
  merged: number;
  /** From "keep both" and "dismiss" reviews (score 0.0). */
  different: number;
  /** Mined from the bank (score 0.0). */
  hardNegatives: number;
}

/** Export file formats (by default chosen by the file extension: .jsonl/.json → JSONL, else CSV). */
export type ExportFormat = 'csv' | 'jsonl';

/** The question-bank API, the same in the app, the CLI and tests. */
export interface QuestionService {
  /** Read a file into a bank (created if needed); only new or changed questions are embedded. */
  importFile(file: string, options: ImportOptions): Promise<ImportReport>;
  /** Re-import a bank from its source file, removing questions no longer in it. */
  sync(bank: string): Promise<ImportReport>;
  listBanks(): Promise<QuestionBank[]>;
  renameBank(from: string, to: string): Promise<QuestionBank>;
  deleteBank(name: string): Promise<void>;
  /** Write the bank's questions (and answers, ids) to a CSV or JSONL file; returns rows written. */
  exportBank(name: string, file: string, format?: ExportFormat): Promise<number>;
  /** The closest questions of a bank to `question`, best first. */
  ask(bank: string, question: string, options?: AskOptions): Promise<QuestionMatch[]>;
  /** Add one question (and optional answer) to a bank. */
  addQuestion(bank: string, question: string, answer?: string | null, externalId?: string | null): Promise<BankQuestion>;
  /** Pairs of near-identical questions, best first (util.paraphrase_mining semantics). */
  duplicates(bank: string, options?: DuplicatesOptions): Promise<DuplicatePair[]>;
  /** Record a review decision for a pair (by question row ids); null clears it. "merge" keeps `a` (taking b's answer if it has none) and removes `b`. */
  reviewPair(bank: string, a: number, b: number, decision: PairDecision | null): Promise<void>;
  /** Topic groups, largest first (util.community_detection semantics). */
  clusters(bank: string, options?: ClustersOptions): Promise<QuestionCluster[]>;
  /** The topic groups and every question in none of them: the whole bank, sorted. */
  groups(bank: string, options?: ClustersOptions): Promise<QuestionGroups>;
  /** Write the duplicate pairs (score, both ids and questions, decision) to CSV/JSONL; returns rows written. */
  exportDuplicates(bank: string, file: string, options?: DuplicatesOptions, format?: ExportFormat): Promise<number>;
  /**
   * The bank's reviewed duplicate pairs as fine-tuning data (see TrainingPair), plus any mined hard
   * negatives. Throws QuestionsError when the bank has no reviewed pairs.
   */
  trainingPairs(bank: string, options?: TrainingPairsOptions): Promise<TrainingPair[]>;
  /** Write trainingPairs as CSV with the header sentence1,sentence2,score (finetune.py's input). */
  exportTrainingPairs(bank: string, file: string, options?: TrainingPairsOptions): Promise<TrainingPairsSummary>;
  /** Write the clusters, one row per member (cluster, size, label, rank, id, question); returns rows written. */
  exportClusters(bank: string, file: string, options?: ClustersOptions, format?: ExportFormat): Promise<number>;
  /** Stop using the database (the embedder is the caller's to close). */
  close(): Promise<void>;
}
