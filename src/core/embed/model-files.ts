/**
 * The shipped model folder: where it is, what it must contain, and a sha256 check of every file the
 * engine reads, so a damaged or swapped file fails loudly with its path instead of giving garbage vectors.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const DEFAULT_MODEL_NAME = 'all-MiniLM-L6-v2';

export type ModelVariant = 'fp32' | 'int8';

export interface ModelManifest {
  id: string;
  dimension: number;
  maxSeqLength: number;
  pooling: 'mean';
  normalize: boolean;
  variants: Partial<Record<ModelVariant, string>>;
  default: ModelVariant;
  files: Record<string, { sha256: string; bytes: number }>;
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

/** TROVE_MODEL_DIR if set, else resources/models/all-MiniLM-L6-v2 in the project. */
export function defaultModelDir(): string {
  return process.env.TROVE_MODEL_DIR
    ? resolve(process.env.TROVE_MODEL_DIR)
    : join(projectRoot(), 'resources', 'models', DEFAULT_MODEL_NAME);
}

export function readManifest(modelDir: string): ModelManifest {
  const path = join(modelDir, 'manifest.json');
  if (!existsSync(modelDir)) throw new ModelFileError(`model folder not found: ${modelDir}`, modelDir);
  if (!existsSync(path)) throw new ModelFileError(`model manifest missing: ${path}`, path);
  try {
    const manifest = JSON.parse(readFileSync(path, 'utf8')) as ModelManifest;
    if (!manifest.files || !manifest.variants || !manifest.dimension) throw new Error('fields missing');
    return manifest;
  } catch (err) {
    throw new ModelFileError(`model manifest unreadable: ${path} (${(err as Error).message})`, path);
  }
}

const verified = new Map<string, string>();

/** Check the sha256 of each named file against the manifest; cached per process by path and size. */
export function verifyFiles(modelDir: string, manifest: ModelManifest, names: string[]): void {
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

/** The files the tokenizer needs. */
export const TOKENIZER_FILES = ['tokenizer.json', 'tokenizer_config.json', 'config.json'];
