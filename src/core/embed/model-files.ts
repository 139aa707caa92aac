/**
 * The shipped model folder: where it is, what it must contain, and a sha256 check of every file the
 * engine reads, so a damaged or swapped file fails loudly with its path instead of giving garbage vectors.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { manifestFileSchema, parseStoredJson } from '../../shared/stored-files';

export const DEFAULT_MODEL_NAME = 'all-MiniLM-L6-v2';

/** Which weights of a model: "fp32", "int8", "q4" (4-bit) … as its manifest names them. */
export type ModelVariant = string;

/** The full-precision weights; people choose them as "exact" (Settings, `--model name@exact`). */
export const EXACT_VARIANT = 'fp32';

/** "exact" is the name people use for the fp32 weights. */
export function variantName(variant: string): ModelVariant {
  return variant === 'exact' ? EXACT_VARIANT : variant;
}

/**
 * A model choice as the CLI and the model manager take it: a name or folder, optionally followed by
 * "@variant" ("all-MiniLM-L6-v2@exact", "all-MiniLM-L6-v2@int8"). An "@" inside a folder path is
 * part of the path: only a last segment without a path separator counts as the variant.
 */
export function splitModelChoice(choice: string): { name: string; variant?: ModelVariant } {
  const at = choice.lastIndexOf('@');
  if (at <= 0) return { name: choice };
  const variant = choice.slice(at + 1);
  if (!/^[A-Za-z0-9_.-]+$/.test(variant)) return { name: choice };
  return { name: choice.slice(0, at), variant: variantName(variant) };
}

/** A pair of texts and the similarity sentence-transformers gives them with this model. */
export interface ModelCheck {
  a: string;
  b: string;
  similarity: number;
}

/**
 * manifest.json beside a model: what it is and the sha256 of every file. The sentence-transformers
 * config files stay the authority on pooling, prompts and similarity; these fields describe and verify.
 */
export interface ModelManifest {
  id: string;
  /** Name shown to people, e.g. "multilingual-e5-small (4-bit)". */
  label?: string;
  dimension: number;
  maxSeqLength: number;
  /** Only used when config_sentence_transformers.json does not say (older models scored by dot). */
  similarity?: 'cosine' | 'dot';
  /** Only used when config_sentence_transformers.json carries no prompts (e5 before prompts existed). */
  prompts?: Record<string, string>;
  /** Which prompt searches / documents use, when not simply "query" / "passage" (null: none). */
  queryPromptName?: string | null;
  passagePromptName?: string | null;
  variants: Partial<Record<ModelVariant, string>>;
  /** The variant loaded when none is chosen (the int8 one when it passed the task-quality gate). */
  default: ModelVariant;
  /** What each variant is called in Settings, e.g. { fp32: "exact (fp32)", int8: "int8 (faster)" }. */
  variantLabels?: Partial<Record<ModelVariant, string>>;
  files: Record<string, { sha256: string; bytes: number }>;
  /** Fixed pairs checked on load: a model whose files were swapped and re-hashed still fails these. */
  checks?: ModelCheck[];
  /** Allowed difference for `checks` (default 0.02). */
  checksTolerance?: number;
  /** The model this one was fine-tuned from (tools/model/finetune.py writes it). */
  base?: string;
  /** Where the weights came from (tools/model/export.py); `finetuned` marks a fine-tuned `model`. */
  derivedFrom?: { model?: string; finetuned?: boolean };
  /** Languages it was trained for and its licence (tools/model writes them; the catalogue knows its own). */
  languages?: string[];
  licence?: string;
  /**
   * Fixed pairs for a quantised variant: the fp32 model's similarities, with a tolerance measured from
   * the variant's quantisation error (tools/model/minilm_int8.py: the largest |int8 - fp32| over STS-B
   * dev, rounded up). Never one CPU's int8 output: kernels differ between CPUs, the check must not.
   */
  variantChecks?: Partial<Record<ModelVariant, { checks: ModelCheck[]; tolerance: number; toleranceFrom?: string }>>;
}

/** A model file is missing, damaged or not what the manifest says. The message names the path. */
export class ModelFileError extends Error {
  override name = 'ModelFileError';
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message);
  }
}

/** The repository (or app) root: the nearest parent folder holding package.json. */
function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    dir = dirname(dir);
  }
  return process.cwd();
}

/** The project's resources/models: the models that ship with Trove. */
export function shippedModelsDir(): string {
  return join(projectRoot(), 'resources', 'models');
}

/** TROVE_MODEL_DIR if set, else resources/models/all-MiniLM-L6-v2 in the project. */
export function defaultModelDir(): string {
  return process.env.TROVE_MODEL_DIR ? resolve(process.env.TROVE_MODEL_DIR) : join(shippedModelsDir(), DEFAULT_MODEL_NAME);
}

export function readManifest(modelDir: string): ModelManifest {
  const path = join(modelDir, 'manifest.json');
  if (!existsSync(modelDir)) throw new ModelFileError(`model folder not found: ${modelDir}`, modelDir);
  if (!existsSync(path)) throw new ModelFileError(`model manifest missing: ${path}`, path);
  try {
    return parseStoredJson(manifestFileSchema, readFileSync(path, 'utf8'), path, 'fix it, or add the model again');
  } catch (err) {
    throw new ModelFileError(`model manifest unreadable: ${(err as Error).message}`, path);
  }
}

/** The manifest if the folder has one; a bare sentence-transformers folder has none. */
export function readManifestIfAny(modelDir: string): ModelManifest | null {
  return existsSync(join(modelDir, 'manifest.json')) ? readManifest(modelDir) : null;
}

const verified = new Map<string, string>();

/** Check the sha256 of each named file against the manifest; cached per process by path and size. */
export function verifyFiles(modelDir: string, manifest: ModelManifest | null, names: string[]): void {
  if (!manifest) return;
  for (const name of names) {
    const path = join(modelDir, name);
    const expected = manifest.files[name];
    if (!expected) throw new ModelFileError(`model file not listed in manifest: ${path}`, path);
    if (verified.get(path) === expected.sha256) continue;
    if (!existsSync(path)) throw new ModelFileError(`model file missing: ${path}`, path);
    const bytes = readFileSync(path);
    const got = createHash('sha256').update(bytes).digest('hex');
    if (got !== expected.sha256) {
      throw new ModelFileError(
        `model file damaged: ${path} (sha256 ${got.slice(0, 12)}…, expected ${expected.sha256.slice(0, 12)}…; ` +
          `${bytes.length} bytes, expected ${expected.bytes})`,
        path,
      );
    }
    verified.set(path, got);
  }
}

/** The files the tokenizer reads (those present are verified). */
export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json'];
