/**
 * Which model a CLI command embeds with: `--model <name|folder>[@variant]` (e.g.
 * `all-MiniLM-L6-v2@exact` for the fp32 weights), else the one chosen with `trove models use`
 * (TROVE_MODEL_DIR still overrides both, for tests and development).
 */
import { defaultDataDir } from '../core/questions/app-data-dir';
import { ModelLibrary } from '../core/models/model-library';

export function modelLibrary(): ModelLibrary {
  return new ModelLibrary({ dataDir: defaultDataDir() });
}

/** The model folder and variant for this command (variant undefined: the manifest's default). */
export function chosenModel(flags?: Map<string, string>): { modelDir: string; variant?: string } {
  const library = modelLibrary();
  const named = flags?.get('model');
  if (named) {
    const { dir, variant } = library.resolveChoice(named);
    return { modelDir: dir, variant };
  }
  return { modelDir: library.currentDir(), variant: library.currentVariant() };
}
