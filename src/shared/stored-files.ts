/**
 * The JSON files Trove writes and reads back — settings.json, models.json, a model's manifest.json —
 * checked when read. A hand-edited file with a wrong field then fails with the file and the field
 * named, instead of a crash far from the cause or a value silently taken as something else.
 *
 * What an older or partial file may lack is optional here, as in the types the readers use, and
 * fields Trove does not know are kept (loose objects): tools/model writes more than Trove reads, and
 * a file written by a newer version must still be read by this one.
 */
import { z } from 'zod';

/** settings.json in the data folder: any subset of the settings (the rest take their defaults). */
export const settingsFileSchema = z.looseObject({
  ignorePatterns: z.array(z.string()).optional(),
  fileTypes: z.array(z.string()).optional(),
  maxFileSizeMb: z.number().positive().optional(),
  locale: z.enum(['auto', 'en', 'zh']).optional(),
  theme: z.enum(['system', 'light', 'dark']).optional(),
  reranker: z.string().min(1).nullable().optional(),
  rerank: z.boolean().optional(),
  device: z.enum(['cpu', 'auto', 'gpu']).optional(),
});

/** models.json in the data folder: the model manager's choices. */
export const modelsFileSchema = z.looseObject({
  current: z.string().min(1).optional(),
  endpoint: z.string().min(1).optional(),
  switching: z.string().min(1).nullable().optional(),
});

const modelCheck = z.looseObject({ a: z.string(), b: z.string(), similarity: z.number() });

/** manifest.json beside a model (see ModelManifest in core/embed/model-files.ts for each field). */
export const manifestFileSchema = z.looseObject({
  id: z.string().min(1),
  label: z.string().optional(),
  dimension: z.number().int().positive(),
  maxSeqLength: z.number().int().positive(),
  similarity: z.enum(['cosine', 'dot']).optional(),
  prompts: z.record(z.string(), z.string()).optional(),
  queryPromptName: z.string().nullable().optional(),
  passagePromptName: z.string().nullable().optional(),
  variants: z.record(z.string(), z.string()),
  default: z.string().min(1),
  variantLabels: z.record(z.string(), z.string()).optional(),
  files: z.record(z.string(), z.looseObject({ sha256: z.string(), bytes: z.number().int().nonnegative() })),
  checks: z.array(modelCheck).optional(),
  checksTolerance: z.number().optional(),
  base: z.string().optional(),
  derivedFrom: z.looseObject({ model: z.string().optional(), finetuned: z.boolean().optional() }).optional(),
  languages: z.array(z.string()).optional(),
  licence: z.string().optional(),
  variantChecks: z.record(z.string(), z.looseObject({ checks: z.array(modelCheck), tolerance: z.number(), toleranceFrom: z.string().optional() })).optional(),
});

/** A stored JSON file is not what Trove wrote: the message names the file and the field. */
export class StoredFileError extends Error {
  override name = 'StoredFileError';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/**
 * The file's text parsed and checked against its schema. `path` is only for the message, which
 * names the first wrong field and ends with what to do (by default: fix the file, or delete it to
 * start from the defaults).
 */
export function parseStoredJson<T>(schema: z.ZodType<T>, text: string, path: string, advice = 'fix it or delete it'): T {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new StoredFileError(`${path} is not valid JSON (${(err as Error).message}); ${advice}`, path);
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = issue.path.length ? `"${issue.path.map(String).join('.')}"` : 'the top level';
  throw new StoredFileError(`${path}: ${field} is wrong (${issue.message.replace(/^Invalid input: /, '')}); ${advice}`, path);
}
