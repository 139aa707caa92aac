/** User settings: defaults, and persistence as settings.json in the data folder. */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseStoredJson, settingsFileSchema } from '../shared/stored-files';
import type { Settings } from '../shared/types';
import { DOCUMENT_FILE_TYPES, PLAIN_TEXT_FILE_TYPES } from './file-types';

/** Every type indexed by default: the plain-text family and the rich documents (read in their own process). */
export const DEFAULT_INDEXED_TYPES = [...PLAIN_TEXT_FILE_TYPES, ...DOCUMENT_FILE_TYPES];

export const DEFAULT_SETTINGS: Settings = {
  ignorePatterns: [],
  fileTypes: DEFAULT_INDEXED_TYPES,
  maxFileSizeMb: 50,
  locale: 'auto',
  theme: 'system',
  reranker: null,
  rerank: true,
  device: 'cpu',
};

export class SettingsFile {
  private current: Settings;
  constructor(private readonly dataDir: string) {
    this.current = { ...DEFAULT_SETTINGS };
    let text: string;
    try {
      text = readFileSync(this.path(), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // no settings yet: the defaults
      throw err;
    }
    // A broken file stops here with the file and field named: taken as the defaults, it would index
    // what its ignore patterns leave out, and the next change of a setting would overwrite the person's edits.
    this.current = { ...DEFAULT_SETTINGS, ...parseStoredJson(settingsFileSchema, text, this.path()) };
  }

  get(): Settings {
    return structuredClone(this.current);
  }

  /** Merge a patch, write it atomically (temp file + rename), and return all settings. */
  update(patch: Partial<Settings>): Settings {
    this.current = { ...this.current, ...patch };
    mkdirSync(this.dataDir, { recursive: true });
    const tmp = `${this.path()}.tmp`;
    writeFileSync(tmp, JSON.stringify(this.current, null, 2));
    renameSync(tmp, this.path());
    return this.get();
  }

  private path(): string {
    return join(this.dataDir, 'settings.json');
  }
}
