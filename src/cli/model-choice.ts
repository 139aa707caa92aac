/**
 * Which model a CLI command embeds with: `--model <name|folder>[@variant]` (e.g.
 * `all-MiniLM-L6-v2@exact` for the fp32 weights); else, for a command on an index (`--db`), the model
 * that index was moved to with `trove models use <model> --db <index>` (see index-model.ts); else the
 * CLI default, chosen with `trove models use <model>`. TROVE_MODEL_DIR still overrides all but
 * `--model`, for tests and development.
 */
import { existsSync } from 'node:fs';
import { basename, resolve } from 'node:path';
import { isCrossEncoderFolder, readCrossEncoder } from '../core/embed/cross-encoder-model';
import { UsageError } from './command';
import { readSentenceModel } from '../core/embed/sentence-model';
import { defaultDataDir } from '../core/questions/app-data-dir';
import { ModelLibrary } from '../core/models/model-library';
import { readIndexModel } from './index-model';
import type { Device } from '../shared/types';

export function modelLibrary(): ModelLibrary {
  return new ModelLibrary({ dataDir: defaultDataDir() });
}

/** `--device cpu|auto|gpu` (Settings.device); undefined without the flag. */
export function chosenDevice(flags?: Map<string, string>): Device | undefined {
  const d = flags?.get('device');
  if (d === undefined) return undefined;
  if (d !== 'cpu' && d !== 'auto' && d !== 'gpu') throw new UsageError(`--device must be cpu, auto or gpu, not "${d}"`);
  return d;
}

/** The model folder, variant (undefined: the manifest's default) and device (--device) for this command. */
export function chosenModel(flags?: Map<string, string>, library = modelLibrary()): { modelDir: string; variant?: string; device?: Device } {
  const device = chosenDevice(flags);
  return { ...chosenModelFolder(flags, library), ...(device ? { device } : {}) };
}

function chosenModelFolder(flags: Map<string, string> | undefined, library: ModelLibrary): { modelDir: string; variant?: string } {
  const named = flags?.get('model');
  if (named) {
    const { dir, variant } = library.resolveChoice(named);
    return { modelDir: dir, variant };
  }
  const db = flags?.get('db');
  const own = db && !process.env.TROVE_MODEL_DIR ? readIndexModel(resolve(db)) : null;
  if (own) {
    try {
      const { dir, variant } = library.resolveChoice(own);
      return { modelDir: dir, variant };
    } catch (err) {
      // Never fall back to the default here: the index would be embedded again with another model.
      throw new Error(`index ${resolve(db!)} uses ${own} (chosen with \`models use --db\`), which cannot be loaded: ${(err as Error).message}`, { cause: err });
    }
  }
  return { modelDir: library.currentDir(), variant: library.currentVariant() };
}

/**
 * The re-ranker named by `--reranker <name|folder>`: a cross-encoder folder, or an installed model's
 * name; undefined without the flag. Refused when it is not a cross-encoder, with the reason.
 */
export function chosenReranker(flags?: Map<string, string>, library = modelLibrary()): { dir: string; id: string } | undefined {
  const named = flags?.get('reranker');
  if (!named) return undefined;
  const dir = existsSync(named) ? resolve(named) : library.resolve(named);
  if (!isCrossEncoderFolder(dir)) throw new UsageError(`--reranker ${named}: ${dir} is not a cross-encoder (re-ranker) folder`);
  return { dir, id: readCrossEncoder(dir).id };
}

/** Which model commands on an index use when given no --model, for `models list --db`. */
export interface IndexModel {
  /** The index file, absolute. */
  db: string;
  /** The model's name (its folder's name: an installed model's name). */
  model: string;
  /** Its weights, e.g. "int8" or "fp32" (the exact ones). */
  variant: string;
  /** The model id its vectors are stored under. */
  id: string;
  /** "index": moved to it with `models use --db`; "default": it follows the CLI default. */
  from: 'index' | 'default';
}

export function indexModel(db: string, library = modelLibrary()): IndexModel {
  const path = resolve(db);
  const { modelDir, variant } = chosenModel(new Map([['db', path]]), library);
  const loaded = readSentenceModel(modelDir, variant);
  const own = process.env.TROVE_MODEL_DIR ? null : readIndexModel(path);
  return { db: path, model: basename(modelDir), variant: loaded.variant, id: loaded.id, from: own ? 'index' : 'default' };
}
