/**
 * Which writing system a query is in, for telling a person plainly that the active model cannot read
 * it (all-MiniLM-L6-v2 has 244 Chinese characters in its vocabulary: its vectors for Chinese text
 * are noise) and which model can.
 */
import { CATALOGUE } from '../models/catalogue';

/** Unicode script names, as the UI's script-names table knows them. */
const SCRIPTS = ['Han', 'Hiragana', 'Katakana', 'Hangul', 'Cyrillic', 'Arabic', 'Hebrew', 'Greek', 'Thai', 'Devanagari'] as const;
const PATTERNS = SCRIPTS.map((s) => [s, new RegExp(`\\p{Script=${s}}`, 'gu')] as const);

/** The non-Latin script of at least a third of the query's letters, or null. */
export function queryScript(text: string): string | null {
  const letters = text.match(/\p{L}/gu)?.length ?? 0;
  if (letters === 0) return null;
  let best: string | null = null;
  let bestCount = 0;
  for (const [name, re] of PATTERNS) {
    const n = text.match(re)?.length ?? 0;
    if (n > bestCount) [best, bestCount] = [name, n];
  }
  return bestCount * 3 >= letters ? best : null;
}

/** The catalogue entry of a model id ("sentence-transformers/all-MiniLM-L6-v2" or a catalogue name). */
function catalogueEntry(modelId: string) {
  const name = modelId.split('@')[0].split('/').at(-1);
  return CATALOGUE.find((m) => m.name === name || m.repo === modelId);
}

/**
 * Set when the query is in a script the active model was not trained on: the script and a shipped
 * (else any) catalogue model that reads it. A model the catalogue does not know is trusted.
 */
export function unsupportedScript(text: string, modelId: string): { script: string; suggestedModel: string | null } | null {
  const script = queryScript(text);
  const model = catalogueEntry(modelId);
  if (!script || !model || model.languages.includes('multilingual')) return null;
  const readers = CATALOGUE.filter((m) => m.languages.includes('multilingual'));
  const suggested = readers.find((m) => m.local || m.shipped) ?? readers[0];
  return { script, suggestedModel: suggested?.name ?? null };
}
