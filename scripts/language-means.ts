/**
 * Write a multilingual model's language means (src/core/embed/language-balance.ts) into its folder
 * and list the file in its manifest:
 *
 *   npx tsx scripts/language-means.ts [model folder]   (default: resources/models/multilingual-e5-small-q4)
 *
 * The means are the model's raw vectors (no balance) averaged over 1,000 distinct sentences per
 * language, for each role (query, passage, none): Chinese from the Chinese STS-B validation split,
 * English from the STS Benchmark train split (../shared/eval). The test splits that report the
 * model's quality (Chinese STS-B test, STS-B test) and the cross-language test's sentences are
 * never used here.
 */
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EmbeddingEngine } from '../src/core/embed/engine';
import { LANGUAGE_MEANS_FILE, type LanguageMeansFile, type Script } from '../src/core/embed/language-balance';
import type { EncodeRole } from '../src/core/embed/types';

const root = resolve(import.meta.dirname, '..');
const evalDir = resolve(root, '..', 'shared', 'eval');
const dir = resolve(process.argv[2] ?? join(root, 'resources', 'models', 'multilingual-e5-small-q4'));
const PER_LANGUAGE = 1000;

const distinct = (xs: string[]) => [...new Set(xs.map((x) => x?.trim()).filter(Boolean))].slice(0, PER_LANGUAGE);
const lines = (file: string) => readFileSync(join(evalDir, file), 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));
const sources: Record<string, { script: Script; from: string; sentences: string[] }> = {
  zh: { script: 'Han', from: 'stsb-zh/valid.tsv', sentences: distinct(lines('stsb-zh/valid.tsv').flatMap((f) => [f[0], f[1]])) },
  en: { script: 'Latin', from: 'stsb/sts-train.csv', sentences: distinct(lines('stsb/sts-train.csv').flatMap((f) => [f[5], f[6]])) },
};

const engine = EmbeddingEngine.create({ modelDir: dir, languageBalance: false });
const round = (x: number) => Math.round(x * 1e6) / 1e6;
const out: LanguageMeansFile = {
  madeFrom: Object.entries(sources)
    .map(([lang, s]) => `${lang}: first ${s.sentences.length} distinct sentences of ${s.from}`)
    .join('; '),
  dimension: engine.dimension,
  languages: {},
};
try {
  for (const [lang, s] of Object.entries(sources)) {
    const means = {} as Record<EncodeRole | 'none', number[]>;
    for (const role of ['query', 'passage', undefined] as const) {
      const vectors = await engine.encode(s.sentences, { role });
      const mean = new Array<number>(engine.dimension).fill(0);
      for (const v of vectors) v.forEach((x, i) => (mean[i] += x / vectors.length));
      means[role ?? 'none'] = mean.map(round);
      process.stderr.write(`${lang} ${role ?? 'none'}: ${vectors.length} sentences, |mean| ${Math.hypot(...mean).toFixed(3)}\n`);
    }
    out.languages[lang] = { script: s.script, means };
  }
} finally {
  await engine.close();
}

const bytes = Buffer.from(JSON.stringify(out) + '\n');
writeFileSync(join(dir, LANGUAGE_MEANS_FILE), bytes);
const manifestPath = join(dir, 'manifest.json');
const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
manifest.files[LANGUAGE_MEANS_FILE] = { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n');
process.stderr.write(`wrote ${join(dir, LANGUAGE_MEANS_FILE)} (${bytes.length} bytes) and its sha256 in manifest.json\n`);
