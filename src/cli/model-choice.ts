/**
 * Which model a CLI command embeds with: `--model <name|folder>`, else the one chosen with
 * `trove models use` (TROVE_MODEL_DIR still overrides both, for tests and development).
 */
import { defaultDataDir } from '../core/questions/app-data-dir';
import { ModelLibrary } from '../core/models/model-library';

export function modelLibrary(): ModelLibrary {
  return new ModelLibrary({ dataDir: defaultDataDir() });
}

/** The model folder for this command. */
export function chosenModelDir(flags?: Map<string, string>): string {
  const library = modelLibrary();
  const named = flags?.get('model');
  return named ? library.resolve(named) : library.currentDir();
}
