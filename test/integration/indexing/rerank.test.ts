/**
 * Re-ranking as a search uses it: the real embedding process runs the real (tiny fixture) cross-encoder
 * on the passages the first stage found, over real SciFact abstracts in a real SQLite index. The
 * fixture's scores are near random, so this checks the plumbing and the promises (order from the
 * re-ranker, the setting and the per-search switch, "No good matches" untouched, a broken re-ranker
 * reported, not fatal); what re-ranking does for quality is measured by `eval beir --reranker`.
 */
import assert from 'node:assert/strict';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EmbedderProcess } from '../../../src/core/embed/embedder-process';
import { shippedModelsDir } from '../../../src/core/embed/model-files';
import { loadTokenCounter } from '../../../src/core/embed/tokenizer';
import type { RerankerChoice } from '../../../src/core/search/rerank';
import { createTroveEngine, type TroveEngine } from '../../../src/core/service/create-service';
import { scifactDocs, tempDir, writeDocs } from './helpers';

const TINY = join(shippedModelsDir(), 'test-fixtures', 'tiny-cross-encoder');
const QUERIES = [
  'vitamin D deficiency and bone density',
  'gene expression in cancer cells',
  'antibiotic resistance in bacteria',
  'effects of exercise on the heart',
  'immune response to viral infection',
];

let root: string;
let embedder: EmbedderProcess;
let trove: TroveEngine;
let broken: string;

before(async () => {
  root = tempDir('rerank');
  writeDocs(join(root, 'docs'), scifactDocs(60));
  broken = join(root, 'broken-reranker');
  cpSync(TINY, broken, { recursive: true });
  const [e, counter] = await Promise.all([EmbedderProcess.start(), loadTokenCounter()]);
  embedder = e;
  const rerankers: Record<string, RerankerChoice> = {
    tiny: { name: 'tiny', label: 'Tiny re-ranker', dir: TINY },
    broken: { name: 'broken', label: 'Broken re-ranker', dir: broken },
  };
  trove = await createTroveEngine({
    dataDir: join(root, 'data'),
    embedder,
    tokenCounter: counter,
    watch: false,
    reranker: (name, strict) => {
      if (rerankers[name]) return rerankers[name];
      if (strict) throw new Error(`no re-ranker named "${name}" (installed: ${Object.keys(rerankers).join(', ')})`);
      return null;
    },
  });
  await trove.service.addFolder(join(root, 'docs'));
  await trove.service.whenIdle();
  // Every first-stage passage is re-scored and only the re-ranker orders them: the order is its own.
  trove.fileSearch.rerankOptions = { depth: 20, blend: 1 };
});

after(async () => {
  await trove.service.close();
  await embedder.close();
  rmSync(root, { recursive: true, force: true });
});

const names = (r: { hits: { name: string }[] }) => r.hits.map((h) => h.name);

test('with no re-ranker chosen, nothing is re-ranked even when a search asks', async () => {
  const r = await trove.service.search({ text: QUERIES[0], rerank: true });
  assert.equal(r.reranked, null);
  assert.equal(r.rerankProblem, null);
});

test('a re-ranker that is not installed cannot be chosen, and the message says what is', async () => {
  await assert.rejects(trove.service.setSettings({ reranker: 'nope' }), /no re-ranker named "nope" \(installed: tiny, broken\)/);
  assert.equal((await trove.service.getSettings()).reranker, null);
});

test('chosen and on, searches are re-ranked and say so; the per-search switch and the setting turn it off', async () => {
  const plain = await Promise.all(QUERIES.map((text) => trove.service.search({ text, k: 10 })));
  await trove.service.setSettings({ reranker: 'tiny' });
  const reranked = await Promise.all(QUERIES.map((text) => trove.service.search({ text, k: 10 })));
  for (const r of reranked) assert.deepEqual(r.reranked, { model: 'tiny', label: 'Tiny re-ranker', passages: 20 });
  // The re-ranker's order is not the first stage's (for some query at least): re-ranking is not a no-op.
  assert.ok(reranked.some((r, i) => names(r).join() !== names(plain[i]).join()), 'some order changed');
  // Re-ranking re-orders what the first stage found; it adds no file the first stage did not find.
  reranked.forEach((r, i) => assert.equal(r.quality, plain[i].quality));

  const off = await trove.service.search({ text: QUERIES[0], k: 10, rerank: false });
  assert.equal(off.reranked, null);
  assert.deepEqual(names(off), names(plain[0]));
  // Words-only searches are never re-ranked (the keyword order is what was asked for).
  assert.equal((await trove.service.search({ text: QUERIES[0], mode: 'words' })).reranked, null);

  await trove.service.setSettings({ rerank: false });
  assert.equal((await trove.service.search({ text: QUERIES[0] })).reranked, null);
  assert.notEqual((await trove.service.search({ text: QUERIES[0], rerank: true })).reranked, null);
  await trove.service.setSettings({ rerank: true, reranker: null });
});

test('"No good matches" is the first stage\'s call: a re-ranker never turns it into confident results', async () => {
  await trove.service.setSettings({ reranker: 'tiny' });
  const text = 'zxqv blorf wimblewick';
  const [without, withRerank] = [await trove.service.search({ text, rerank: false }), await trove.service.search({ text, rerank: true })];
  assert.equal(withRerank.quality, without.quality);
  assert.equal(withRerank.hits.length, without.hits.length);
  await trove.service.setSettings({ reranker: null });
});

test('a re-ranker whose folder is damaged is reported and the results keep their first order', async () => {
  writeFileSync(join(broken, 'onnx', 'model.onnx'), 'not a graph');
  await trove.service.setSettings({ reranker: 'broken' });
  const r = await trove.service.search({ text: QUERIES[1], k: 10 });
  const plain = await trove.service.search({ text: QUERIES[1], k: 10, rerank: false });
  assert.equal(r.reranked, null);
  assert.match(r.rerankProblem ?? '', /Broken re-ranker could not run.*damaged: .*model\.onnx/);
  assert.deepEqual(names(r), names(plain));
  await trove.service.setSettings({ reranker: null });
});
