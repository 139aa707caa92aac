/**
 * models.json in the data folder: the model chosen, the hub endpoint, and a change of model not
 * finished yet. Written whole through a temporary file, so a crash leaves the old file or the new one.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelsFileSchema, parseStoredJson } from '../../shared/stored-files';

export interface LibraryState {
  current?: string;
  endpoint?: string;
  /** A change of the running engine's model not finished yet (the choice): the next start continues it. */
  switching?: string | null;
}

export class LibraryStateFile {
  readonly path: string;

  constructor(private readonly dataDir: string) {
    this.path = join(dataDir, 'models.json');
  }

  /** models.json; none yet is no choice. A broken one is an error: guessed as none, it would quietly swap the model. */
  read(): LibraryState {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    return parseStoredJson(modelsFileSchema, text, this.path);
  }

  save(patch: LibraryState): void {
    mkdirSync(this.dataDir, { recursive: true });
    const tmp = `${this.path}.tmp`;
    writeFileSync(tmp, JSON.stringify({ ...this.read(), ...patch }, null, 2));
    renameSync(tmp, this.path);
  }
}
