/**
 * Which weights of a model the index in a data folder was built with. A model's default weights may
 * change between releases (all-MiniLM-L6-v2: fp32, then int8); a person who never chose a variant
 * must not have their whole index embedded again on upgrade — the very thing people dislike about
 * other apps. So a choice that names no variant means "the variant my index already holds", and only
 * a new, empty index takes the manifest's default.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { EXACT_VARIANT, type ModelVariant } from '../embed/model-files';
import { modelsWithVectors } from '../store/peek-index';

/** The index database in a data folder (core/service/create-service.ts opens the same file). */
export const INDEX_DB_FILE = 'index.sqlite';

/**
 * Variants of `baseId` ("sentence-transformers/all-MiniLM-L6-v2") with vectors in the data folder's
 * index, newest set first; [] when there is no index yet (or it cannot be read: then the default applies).
 */
export function indexedVariants(dataDir: string, baseId: string): ModelVariant[] {
  const file = join(dataDir, INDEX_DB_FILE);
  if (!existsSync(file)) return [];
  let ids: string[];
  try {
    ids = modelsWithVectors(file);
  } catch {
    return [];
  }
  const out: ModelVariant[] = [];
  for (const id of ids) {
    // Stored ids are "<base>[@variant][+language balance tag]" (EmbeddingEngine.modelId).
    const model = id.split('+')[0];
    const variant = model === baseId ? EXACT_VARIANT : model.startsWith(`${baseId}@`) ? model.slice(baseId.length + 1) : null;
    if (variant && !out.includes(variant)) out.push(variant);
  }
  return out;
}

/**
 * The variant to load when the person named none: the manifest's default for a new index, else the
 * one the index holds (the default when it holds that too; else its newest set).
 */
export function keptVariant(dataDir: string, baseId: string, manifestDefault: ModelVariant, available: readonly ModelVariant[]): ModelVariant | undefined {
  const held = indexedVariants(dataDir, baseId).filter((v) => available.includes(v));
  if (held.length === 0 || held.includes(manifestDefault)) return undefined;
  return held[0];
}
