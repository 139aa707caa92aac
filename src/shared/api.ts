/**
 * The one typed contract between the UI and the engine. The Electron preload client, the main-process
 * IPC handlers, the web host's routes and its browser client are all derived from `TroveApi` and
 * `apiSchemas`: a method name exists here and nowhere else.
 */
import { z } from 'zod';
import { absPath } from './absolute-path';
import { modelsSchemas, type ModelsApi } from './models';
import { questionsSchemas, type QuestionsApi } from './questions-api';
import type { ImportProgress } from './questions';
import type {
  AddFolderOptions,
  FileProblem,
  FolderEstimate,
  FolderInfo,
  IndexProgress,
  ModelInfo,
  Preview,
  SearchQuery,
  SearchResponse,
  Settings,
  SimilarQuery,
} from './types';

export interface TroveApi {
  /** Folders being indexed, with counts and watch state. */
  listFolders(): Promise<FolderInfo[]>;
  /**
   * Start indexing and watching an absolute folder path; returns the new folder list. Refuses a folder
   * that overlaps one already indexed (inside it or containing it), and a whole drive or home folder
   * unless `options.confirmBroad` is set (ConfirmationNeededError; call `estimateFolder` to show why).
   */
  addFolder(path: string, options?: AddFolderOptions): Promise<FolderInfo[]>;
  /** Count what adding a folder would index (bounded to a few seconds) and say whether it is a drive or home folder. */
  estimateFolder(path: string): Promise<FolderEstimate>;
  /** Stop watching a folder and drop its files from the index; returns the new folder list. */
  removeFolder(path: string): Promise<FolderInfo[]>;
  /** Ask the user for a folder with the native dialog; null when cancelled or when there is no dialog (web host). */
  pickFolder(): Promise<string | null>;
  /** Current indexing progress and index size. */
  status(): Promise<IndexProgress>;
  /** Pause indexing (searches keep working); returns the new progress. */
  pause(): Promise<IndexProgress>;
  /** Resume indexing; returns the new progress. */
  resume(): Promise<IndexProgress>;
  /** Search the index. */
  search(query: SearchQuery): Promise<SearchResponse>;
  /** Files closest to an indexed file or one of its passages, the file itself excluded ("Similar files"). */
  similarTo(query: SimilarQuery): Promise<SearchResponse>;
  /**
   * Extracted text around a passage of an indexed file (the passage is cut to 5,000 characters).
   * Refuses a path outside the indexed folders (OutsideFoldersError), a missing file (NotFoundError)
   * and one that is not in the index (NotIndexedError).
   */
  preview(path: string, start: number, end: number): Promise<Preview>;
  /** Files that could not be indexed, with reasons. */
  problems(): Promise<FileProblem[]>;
  /** Current settings. */
  getSettings(): Promise<Settings>;
  /** Change some settings; returns all settings. Changing ignore patterns or types re-scans folders. */
  setSettings(patch: Partial<Settings>): Promise<Settings>;
  /** The embedding model in use. */
  modelInfo(): Promise<ModelInfo>;
  /**
   * Open an indexed file with the system's default app (Electron only; the web host refuses). Programs
   * and scripts, which opening would run, are shown in the file manager instead. Same refusals as preview.
   */
  openFile(path: string): Promise<void>;
  /** Show an indexed file, or one listed as a problem, in the system file manager (Electron only; the web host refuses). */
  revealFile(path: string): Promise<void>;
}

/**
 * Everything the UI can call: the folders-and-search engine (`TroveApi`, which core's TroveService
 * implements), the question banks (`QuestionsApi`, src/shared/questions-api.ts) and the model manager
 * (`ModelsApi`, src/shared/models.ts).
 */
export interface TroveAppApi extends TroveApi, QuestionsApi, ModelsApi {}

/** Events pushed from the engine to the UI. */
export interface TroveEvents {
  /** Indexing progress; sent at most ~5 times a second while work is going on, and when it stops. */
  progress: IndexProgress;
  /** The index changed (files added, edited or removed): open searches may want to re-run. */
  indexChanged: { at: number };
  /** A question-bank import made through `importBank` moved on; about twice a second, and once with `done` at the end. */
  importProgress: ImportProgress;
}

export type ApiMethod = keyof TroveAppApi;
export type ApiArgs<K extends ApiMethod> = Parameters<TroveAppApi[K]>;
export type ApiResult<K extends ApiMethod> = Awaited<ReturnType<TroveAppApi[K]>>;
export type EventName = keyof TroveEvents;

const offset = z.number().int().min(0).max(2 ** 40);

export const MAX_QUERY_CHARS = 10_000;

const msSinceEpoch = z.number().int().min(0).max(8.64e15);
/** Shape only: whether the folders are indexed and the types known is checked by the engine (a clear 400). */
const searchFilters = z
  .strictObject({
    folders: z.array(absPath).min(1).max(100).optional(),
    types: z.array(z.string().regex(/^[a-z0-9]{1,12}$/, 'file type must be an extension like "pdf"')).min(1).max(100).optional(),
    after: msSinceEpoch.optional(),
    before: msSinceEpoch.optional(),
  })
  .refine((f) => f.after === undefined || f.before === undefined || f.after < f.before, '"after" must be earlier than "before"');

/** Argument schemas, one tuple per method: every call is checked against these at the boundary. */
export const apiSchemas = {
  listFolders: z.tuple([]),
  addFolder: z.tuple([absPath, z.strictObject({ confirmBroad: z.boolean().optional() }).optional()]),
  estimateFolder: z.tuple([absPath]),
  removeFolder: z.tuple([absPath]),
  pickFolder: z.tuple([]),
  status: z.tuple([]),
  pause: z.tuple([]),
  resume: z.tuple([]),
  search: z.tuple([
    z.strictObject({
      text: z
        .string()
        .max(MAX_QUERY_CHARS, `query is longer than ${MAX_QUERY_CHARS} characters`)
        .refine((t) => t.trim().length > 0, 'query is empty'),
      k: z.number().int().min(1).max(100).optional(),
      filters: searchFilters.optional(),
      sort: z.enum(['relevance', 'date']).optional(),
      mode: z.enum(['hybrid', 'meaning', 'words']).optional(),
      exact: z.boolean().optional(),
      rerank: z.boolean().optional(),
    }),
  ]),
  similarTo: z.tuple([
    z.strictObject({
      path: absPath,
      chunkId: z.number().int().min(1).optional(),
      k: z.number().int().min(1).max(100).optional(),
      filters: searchFilters.optional(),
    }),
  ]),
  preview: z.tuple([absPath, offset, offset]),
  problems: z.tuple([]),
  getSettings: z.tuple([]),
  setSettings: z.tuple([
    z.strictObject({
      ignorePatterns: z.array(z.string().min(1).max(500)).max(500).optional(),
      fileTypes: z.array(z.string().regex(/^[a-z0-9]{1,12}$/, 'file type must be an extension like "md"')).max(200).optional(),
      maxFileSizeMb: z.number().min(0.001).max(4096).optional(),
      locale: z.enum(['auto', 'en', 'zh']).optional(),
      theme: z.enum(['system', 'light', 'dark']).optional(),
      reranker: z.string().min(1).max(200).nullable().optional(),
      rerank: z.boolean().optional(),
      device: z.enum(['cpu', 'auto', 'gpu']).optional(),
    }),
  ]),
  modelInfo: z.tuple([]),
  openFile: z.tuple([absPath]),
  revealFile: z.tuple([absPath]),
  ...questionsSchemas,
  ...modelsSchemas,
} satisfies { [K in ApiMethod]: z.ZodType<ApiArgs<K>> };

export const apiMethods = Object.keys(apiSchemas) as ApiMethod[];

/** A call's arguments were invalid; the message says which and why. */
export class InvalidArgumentsError extends Error {
  override name = 'InvalidArgumentsError';
}

/** Validate a call's arguments; throws InvalidArgumentsError with a readable message. */
export function validateArgs<K extends ApiMethod>(method: K, args: unknown): ApiArgs<K> {
  if (!Object.hasOwn(apiSchemas, method)) throw new InvalidArgumentsError(`unknown method "${String(method)}"`);
  if (!Array.isArray(args)) throw new InvalidArgumentsError(`${method}: arguments must be a list`);
  const parsed = (apiSchemas[method] as z.ZodType).safeParse(args);
  if (!parsed.success) {
    const detail = parsed.error.issues
      .map((i) => `${i.path.length ? `argument ${i.path.join('.')}: ` : ''}${i.message}`)
      .join('; ');
    throw new InvalidArgumentsError(`${method}: ${detail}`);
  }
  return parsed.data as ApiArgs<K>;
}
