/**
 * The question-bank half of the UI's API: banks, live lookup, duplicates and clusters. Plain data in
 * and out, validated by the zod schemas below wherever a call crosses a process boundary. Runs
 * everywhere, so no node:* and no electron.
 */
import { z } from 'zod';
import type { BankQuestion, DuplicatePair, ExportFormat, ImportReport, PairDecision, QuestionBank, QuestionGroups, QuestionMatch, TrainingPairsSummary } from './questions';

/** Largest file `importBank` accepts (before base64). */
export const MAX_IMPORT_BYTES = 50 * 1024 * 1024;
/** Longest question or answer text accepted from the UI. */
export const MAX_QUESTION_CHARS = 10_000;

/** How to read an imported table: which columns hold the question, the answer and an id. */
export interface BankImportOptions {
  /** Bank to fill; created if missing. */
  bank: string;
  /** Header name or 1-based column number of the question (default: a column named like "question", else the first). */
  questionColumn?: string;
  /** Header name or 1-based column number of the answer (optional). */
  answerColumn?: string;
  /** Header name or 1-based column number of a stable row id (optional). */
  idColumn?: string;
}

/** A bank written out as a file, for the UI to offer as a download. */
export interface BankExport {
  /** Suggested file name: the bank's name with the format's extension. */
  fileName: string;
  /** MIME type of `content` ("text/csv" or "application/x-ndjson"). */
  mimeType: string;
  /** The file: CSV (RFC 4180, header id,question,answer) or JSONL (one {id, question, answer} a line), UTF-8. */
  content: string;
  /** Questions written. */
  rows: number;
}

/** Most hard negatives `exportTrainingPairs` mines per merged pair. */
export const MAX_HARD_NEGATIVES = 20;

/** A bank's reviewed pairs as fine-tuning data, for the UI to offer as a download. */
export interface TrainingPairsExport extends TrainingPairsSummary {
  /** Suggested file name: the bank's name and "-pairs.csv". */
  fileName: string;
  /** Always "text/csv". */
  mimeType: string;
  /**
   * The file, UTF-8 CSV with the header sentence1,sentence2,score: merged pairs 1.0, pairs kept as two
   * questions or dismissed 0.0, mined hard negatives 0.0. tools/model/finetune.py reads it as it is.
   */
  content: string;
}

export interface QuestionsApi {
  /** Every question bank, by name. */
  listBanks(): Promise<QuestionBank[]>;
  /**
   * Import a file the user picked into a bank (created if missing). The UI sends the file's bytes, not
   * its path, so this works the same in the desktop app and the browser. `fileName`'s extension says
   * the format (.csv .tsv .txt .json .jsonl .xlsx .md); at most 50 MB. The report lists skipped rows
   * with their row numbers and reasons. While it runs, `importProgress` events say how far it is.
   */
  importBank(fileName: string, contentBase64: string, options: BankImportOptions): Promise<ImportReport>;
  /**
   * Stop the import running into `bank` (started by importBank). The rows already stored stay; the
   * import's report says where it stopped. False when no import into that bank is running.
   */
  cancelImport(bank: string): Promise<boolean>;
  /** Every question of a bank (with answers and ids) as a CSV or JSONL file, to save or re-import. */
  exportBank(bank: string, format: ExportFormat): Promise<BankExport>;
  /**
   * The bank's reviewed duplicate pairs as training data for tools/model/finetune.py, plus
   * `hardNegatives` (default 0, at most 20) mined per merged pair. Fails with a message saying what to
   * do when the bank has no reviewed pairs.
   */
  exportTrainingPairs(bank: string, hardNegatives?: number): Promise<TrainingPairsExport>;
  /** The `k` (default 5, at most 50) questions of a bank closest to `text`, best first, with scores and answers. */
  askQuestion(bank: string, text: string, k?: number): Promise<QuestionMatch[]>;
  /** Add one question (and optional answer) to a bank; returns it as stored. */
  addQuestion(bank: string, question: string, answer?: string): Promise<BankQuestion>;
  /** Pairs of questions scoring at least `threshold` (default 0.85), best first, with any review decision. */
  findDuplicates(bank: string, threshold?: number): Promise<DuplicatePair[]>;
  /**
   * Record what the reviewer decided about a pair (by question row ids, `a` < `b` as findDuplicates
   * gives them); null clears the decision. "merge" is done at once: `a` stays (taking `b`'s answer if it
   * has none) and `b` leaves the bank.
   */
  reviewDuplicate(bank: string, a: number, b: number, decision: PairDecision | null): Promise<void>;
  /**
   * Topic groups of at least `minSize` (default 3) questions within `threshold` (default 0.75) of
   * their most central one, largest first, and the questions in no group, so every question is shown.
   */
  findClusters(bank: string, threshold?: number, minSize?: number): Promise<QuestionGroups>;
  /** Rename a bank; returns it. */
  renameBank(from: string, to: string): Promise<QuestionBank>;
  /** Delete a bank and everything in it. */
  deleteBank(name: string): Promise<void>;
}

const bankName = z
  .string()
  .max(200, 'bank name is longer than 200 characters')
  .refine((s) => s.trim().length > 0, 'bank name is empty')
  .refine((s) => !s.includes('\0'), 'bank name contains a NUL character');
const questionText = z
  .string()
  .max(MAX_QUESTION_CHARS, `text is longer than ${MAX_QUESTION_CHARS} characters`)
  .refine((t) => t.trim().length > 0, 'text is empty');
const column = z.string().max(200, 'column name is longer than 200 characters').optional();
const rowId = z.number().int().min(1);
const similarity = z.number().min(-1).max(1);

/** Base64 length of MAX_IMPORT_BYTES bytes. */
const MAX_BASE64_CHARS = Math.ceil(MAX_IMPORT_BYTES / 3) * 4;
const base64Content = z
  .string()
  .refine((s) => s.length > 0, 'the file is empty')
  .refine((s) => s.length <= MAX_BASE64_CHARS, `the file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB`)
  .refine((s) => s.length > MAX_BASE64_CHARS || (s.length % 4 === 0 && /^[A-Za-z0-9+/]*={0,2}$/.test(s)), 'the file content is not valid base64');

export const questionsSchemas = {
  listBanks: z.tuple([]),
  importBank: z.tuple([
    z
      .string()
      .min(1, 'file name is empty')
      .max(255, 'file name is longer than 255 characters')
      .refine((n) => !/[\\/\0]/.test(n), 'file name must not contain a folder'),
    base64Content,
    z.strictObject({ bank: bankName, questionColumn: column, answerColumn: column, idColumn: column }),
  ]),
  cancelImport: z.tuple([bankName]),
  exportBank: z.tuple([bankName, z.enum(['csv', 'jsonl'])]),
  exportTrainingPairs: z.tuple([bankName, z.number().int().min(0).max(MAX_HARD_NEGATIVES, `at most ${MAX_HARD_NEGATIVES} hard negatives per merged pair`).optional()]),
  askQuestion: z.tuple([bankName, questionText, z.number().int().min(1).max(50).optional()]),
  addQuestion: z.tuple([bankName, questionText, z.string().max(MAX_QUESTION_CHARS, `answer is longer than ${MAX_QUESTION_CHARS} characters`).optional()]),
  findDuplicates: z.tuple([bankName, similarity.optional()]),
  reviewDuplicate: z.tuple([bankName, rowId, rowId, z.enum(['keep', 'merge', 'dismiss']).nullable()]),
  findClusters: z.tuple([bankName, similarity.optional(), z.number().int().min(1).max(10_000).optional()]),
  renameBank: z.tuple([bankName, bankName]),
  deleteBank: z.tuple([bankName]),
} satisfies { [K in keyof QuestionsApi]: z.ZodType<Parameters<QuestionsApi[K]>> };
