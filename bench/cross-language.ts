/**
 * Does the language balance (src/core/embed/language-balance.ts) let a query find the passage that
 * answers it in the other language, without hurting search within one language? Side by side, one run:
 *
 *   npm run bench:cross-language [-- --model <folder>]   (default: the shipped multilingual-e5-small-q4)
 *
 * Data nobody here wrote: the Chinese STS-B is the STS Benchmark translated, but its test file is not
 * in the English file's order. Translations are found again with the raw model: a Chinese first
 * sentence and an English first sentence are a pair when each is the other's nearest (cosine ≥ 0.85)
 * and their gold scores agree (the Chinese score is the English one rounded down). Pairs rated ≥ 4
 * (the two sentences mean nearly the same) become a mixed-language folder: alternately the Chinese or
 * the English first sentence is the document, and the second sentence in the other language is the
 * query. Every query thus has one right document in the other language, among documents in both
 * languages. The control asks the same documents in their own language (the second sentence,
 * same language). Reports accuracy@1 and MRR for raw and balanced vectors.
 */
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { EmbeddingEngine } from '../src/core/embed/engine';
import { shippedModelsDir } from '../src/core/embed/model-files';
import { dot } from '../src/core/embed/similarity';

const evalDir = resolve(import.meta.dirname, '..', '..', 'shared', 'eval');
const arg = (name: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
};
const modelDir = arg('model') ?? join(shippedModelsDir(), 'multilingual-e5-small-q4');
const zh = readFileSync(join(evalDir, 'stsb-zh', 'test.tsv'), 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));
const en = readFileSync(join(evalDir, 'stsb', 'sts-test.csv'), 'utf8').split('\n').filter(Boolean).map((l) => l.split('\t'));

const raw = EmbeddingEngine.create({ modelDir, languageBalance: false });
const balanced = EmbeddingEngine.create({ modelDir });
try {
  // Find the translations again (raw vectors, no prompt on either side: a symmetric task).
  const [zv, ev] = [await raw.encode(zh.map((f) => f[0])), await raw.encode(en.map((f) => f[5]))];
  const nearest = (v: Float32Array, pool: Float32Array[]) => {
    let best = -1;
    let score = -Infinity;
    pool.forEach((p, i) => {
      const s = dot(v, p);
      if (s > score) [best, score] = [i, s];
    });
    return { best, score };
  };
  const pairs: Array<{ zh: string[]; en: string[] }> = [];
  zv.forEach((v, i) => {
    const { best: j, score } = nearest(v, ev);
    if (score < 0.85 || nearest(ev[j], zv).best !== i) return;
    if (Number(zh[i][2]) !== Math.floor(Number(en[j][4]))) return;
    if (Number(zh[i][2]) >= 4) pairs.push({ zh: [zh[i][0], zh[i][1]], en: [en[j][5], en[j][6]] });
  });
  // Alternate: even pairs keep the Chinese document, odd ones the English.
  const docs = pairs.map((p, i) => (i % 2 === 0 ? p.zh[0] : p.en[0]));
  const crossQueries = pairs.map((p, i) => (i % 2 === 0 ? p.en[1] : p.zh[1]));
  const sameQueries = pairs.map((p, i) => (i % 2 === 0 ? p.zh[1] : p.en[1]));
  const docVectors = new Map<EmbeddingEngine, Float32Array[]>();
  const figures = async (engine: EmbeddingEngine, queries: string[], direction: 'en→zh' | 'zh→en' | 'all') => {
    if (!docVectors.has(engine)) docVectors.set(engine, await engine.encode(docs, { role: 'passage' }));
    const dv = docVectors.get(engine)!;
    const qv = await engine.encode(queries, { role: 'query' });
    let top1 = 0;
    let rr = 0;
    let n = 0;
    qv.forEach((q, i) => {
      if (direction === 'en→zh' && i % 2 !== 0) return;
      if (direction === 'zh→en' && i % 2 !== 1) return;
      const mine = dot(q, dv[i]);
      const above = dv.filter((d, k) => k !== i && dot(q, d) > mine).length;
      top1 += above === 0 ? 1 : 0;
      rr += 1 / (above + 1);
      n++;
    });
    return { accuracy_at_1: Math.round((top1 / n) * 1000) / 10, mrr: Math.round((rr / n) * 1000) / 1000, queries: n };
  };
  const out: Record<string, unknown> = { model: balanced.modelId, pairs: pairs.length, documents: docs.length };
  for (const [name, engine] of [['raw', raw], ['balanced', balanced]] as const) {
    out[name] = {
      'en query → zh document': await figures(engine, crossQueries, 'en→zh'),
      'zh query → en document': await figures(engine, crossQueries, 'zh→en'),
      'same language (control)': await figures(engine, sameQueries, 'all'),
    };
  }
  process.stdout.write(JSON.stringify(out, null, 1) + '\n');
} finally {
  await raw.close();
  await balanced.close();
}
