/**
 * Multilingual models put every text of one language near that language's own centre: with
 * multilingual-e5-small a Chinese query scores every Chinese passage ~0.88 whatever its topic, above
 * the English passage that answers it (0.84). In a folder of Chinese and English files the other
 * language never comes first — the "self language bias" of multilingual encoders (Yang et al., EMNLP
 * 2021, "A Simple and Effective Method To Eliminate the Self Language Bias in Multilingual
 * Representations"; Libovický, Rosa & Fraser 2020, "On the Language Neutrality of Pre-trained
 * Multilingual Representations").
 *
 * The remedy those papers measure is per-language mean centring: subtract from each vector the mean
 * vector of its language, then normalise again. A model folder that ships `language_means.json`
 * (written by scripts/language-means.ts from sentences the evaluation never uses) gets it: a text's
 * language is read from its script (Han/kana → the "Han" entry, Latin letters → the "Latin" entry);
 * a text in neither gets the average of the means, so every vector lives in one centred space.
 * Means are per role, because e5's "query: " and "passage: " prompts move the centre too.
 *
 * Within one language this shifts every score the same way, so rankings among same-language passages
 * barely move; across languages it removes the bonus a passage got for merely sharing the query's
 * language. The engine's raw vectors (the sentence-transformers ones the golden fixtures check) are
 * unchanged underneath: the balance is applied after them, and changes the model's id so balanced and
 * raw vectors never share an index.
 */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ModelFileError } from './model-files';
import type { EncodeRole } from './types';

export const LANGUAGE_MEANS_FILE = 'language_means.json';

/** Scripts a mean can be given for, and the characters that count for each. */
const SCRIPTS = {
  Han: /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu,
  Latin: /\p{Script=Latin}/gu,
} as const;
export type Script = keyof typeof SCRIPTS;
/** One Han character carries about as much as a word; a Latin word is about five letters. */
const WEIGHT: Record<Script, number> = { Han: 3, Latin: 1 };

type RoleKey = EncodeRole | 'none';

export interface LanguageMeansFile {
  /** How the means were made (sentences, counts), for ORIGIN.md and the curious. */
  madeFrom: string;
  dimension: number;
  /** Mean raw vector of each role, per language. */
  languages: Record<string, { script: Script; means: Record<RoleKey, number[]> }>;
}

export class LanguageBalance {
  /** Short digest of the file: part of the model id, so new means make a new index. */
  readonly tag: string;
  private readonly byScript = new Map<Script, Record<RoleKey, Float32Array>>();
  private readonly average: Record<RoleKey, Float32Array>;

  private constructor(file: LanguageMeansFile, digest: string) {
    this.tag = `lang-${digest.slice(0, 8)}`;
    const roles: RoleKey[] = ['query', 'passage', 'none'];
    const entries = Object.values(file.languages);
    for (const e of entries) this.byScript.set(e.script, Object.fromEntries(roles.map((r) => [r, Float32Array.from(e.means[r])])) as Record<RoleKey, Float32Array>);
    this.average = Object.fromEntries(
      roles.map((r) => {
        const m = new Float32Array(file.dimension);
        for (const e of entries) e.means[r].forEach((x, i) => (m[i] += x / entries.length));
        return [r, m];
      }),
    ) as Record<RoleKey, Float32Array>;
  }

  /** The folder's language means, or null when it ships none (then vectors are left as they are). */
  static read(dir: string, dimension: number): LanguageBalance | null {
    const path = join(dir, LANGUAGE_MEANS_FILE);
    if (!existsSync(path)) return null;
    const bytes = readFileSync(path);
    let file: LanguageMeansFile;
    try {
      file = JSON.parse(bytes.toString('utf8')) as LanguageMeansFile;
    } catch (err) {
      throw new ModelFileError(`${path} is not valid JSON (${(err as Error).message})`, path);
    }
    const entries = Object.entries(file.languages ?? {});
    const bad = entries.find(
      ([, e]) => !(e.script in SCRIPTS) || (['query', 'passage', 'none'] as const).some((r) => !Array.isArray(e.means?.[r]) || e.means[r].length !== dimension),
    );
    if (entries.length === 0 || file.dimension !== dimension || bad) {
      throw new ModelFileError(`${path} does not hold ${dimension}-dimensional means per role for known scripts (${bad?.[0] ?? 'none'})`, path);
    }
    return new LanguageBalance(file, createHash('sha256').update(bytes).digest('hex'));
  }

  /** Centre each vector on its text's language mean (for the role) and normalise it again, in place. */
  apply(texts: string[], vectors: Float32Array[], role: EncodeRole | undefined): Float32Array[] {
    vectors.forEach((v, i) => {
      const script = scriptOf(texts[i] ?? '');
      const mean = ((script && this.byScript.get(script)) || this.average)[role ?? 'none'];
      let norm = 0;
      for (let k = 0; k < v.length; k++) {
        v[k] -= mean[k];
        norm += v[k] * v[k];
      }
      norm = Math.sqrt(norm);
      if (norm > 0) for (let k = 0; k < v.length; k++) v[k] /= norm;
    });
    return vectors;
  }
}

/** The script most of a text's letters are in (a Han character counts as three Latin letters), or null. */
export function scriptOf(text: string): Script | null {
  let best: Script | null = null;
  let most = 0;
  for (const script of Object.keys(SCRIPTS) as Script[]) {
    const n = (text.match(SCRIPTS[script])?.length ?? 0) * WEIGHT[script];
    if (n > most) [best, most] = [script, n];
  }
  return best;
}
