/**
 * Chinese end to end with the multilingual model built here (resources/models/multilingual-e5-small-q4):
 * a folder of Chinese and English documents made of real sentences from the Chinese STS-B and the
 * English STS-B (../shared/eval), indexed by the real pipeline into a real SQLite file. An English
 * query finds the Chinese document that answers it first, and a Chinese query the English one — above
 * every document in the query's own language, which the model alone ranks higher (its self language
 * bias; the shipped language means remove it, see src/core/embed/language-balance.ts); a question bank
 * of Chinese questions finds a Chinese paraphrase first.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EmbeddingEngine } from '../../../src/core/embed/engine';
import { dot } from '../../../src/core/embed/similarity';
import { shippedModelsDir } from '../../../src/core/embed/model-files';
import { loadTokenCounter } from '../../../src/core/embed/tokenizer';
import type { TokenCounter } from '../../../src/core/embed/types';
import { createQuestionService } from '../../../src/core/questions/question-service';
import { createTroveService } from '../../../src/core/service/create-service';
import { tempDir } from '../indexing/helpers';
import { chineseQuery, docs, en, englishQuery, zh, zhLines } from './mixed-language-docs';

const modelDir = join(shippedModelsDir(), 'multilingual-e5-small-q4');

let engine: EmbeddingEngine;
let counter: TokenCounter;
const work = tempDir('chinese');
before(async () => {
  engine = EmbeddingEngine.create({ modelDir });
  counter = await loadTokenCounter(modelDir);
});
after(async () => {
  await engine.close();
  rmSync(work, { recursive: true, force: true });
});

test('the queries and documents are the real sentences this test means', () => {
  assert.equal(englishQuery, 'A panda slides down a slide.');
  assert.equal(zh(15), '一只熊猫宝宝滑下滑梯。');
  assert.equal(en(23), 'Two zebras play in an open field.');
  assert.match(chineseQuery, /斑马/);
});

let fromChineseHits: Array<[string, number]> = [];

test('an English query finds the Chinese passage first', async () => {
  const folder = join(work, 'docs');
  mkdirSync(folder, { recursive: true });
  for (const [name, text] of Object.entries(docs)) writeFileSync(join(folder, name), text + '\n');
  const service = await createTroveService({ dataDir: join(work, 'data'), embedder: engine, tokenCounter: counter, watch: false });
  try {
    await service.addFolder(folder);
    await service.whenIdle();
    assert.equal((await service.status()).filesIndexed, 10);
    const fromEnglish = await service.search({ text: englishQuery, k: 10 });
    // Both searches before any assertion: the next test reads the Chinese one whatever this one finds.
    const fromChinese = await service.search({ text: chineseQuery, k: 10 });
    fromChineseHits = fromChinese.hits.map((h) => [h.name, Number(h.score.toFixed(3))]);
    assert.equal(fromEnglish.hits[0]?.name, 'zh-panda.txt', JSON.stringify(fromEnglish.hits.map((h) => [h.name, h.score])));
  } finally {
    await service.close();
  }
});

// Without the language balance a Chinese query scores every Chinese document ~0.88 whatever its topic,
// above the English passage that answers it (0.84): tools/model/e5_q4_bias.py showed that is the model,
// not its 4-bit rounding. With the balance (the model folder's language_means.json) the answer comes first.
test('a Chinese query finds the English passage first, above every Chinese document', async () => {
  assert.equal(fromChineseHits[0]?.[0], 'en-zebras.txt', JSON.stringify(fromChineseHits));
});

test('the raw model puts the Chinese documents first: the balance is what changes it', async () => {
  const raw = EmbeddingEngine.create({ modelDir, languageBalance: false });
  try {
    const [q] = await raw.encode([chineseQuery], { role: 'query' });
    const names = Object.keys(docs);
    const vs = await raw.encode(names.map((n) => docs[n]), { role: 'passage' });
    const ranked = names.map((n, i) => [n, dot(q, vs[i])] as const).sort((a, b) => b[1] - a[1]);
    assert.match(ranked[0][0], /^zh-/, JSON.stringify(ranked));
    assert.notEqual(engine.modelId, raw.modelId, 'balanced and raw vectors never share an index');
  } finally {
    await raw.close();
  }
});

test('a Chinese question bank finds a Chinese paraphrase first', async () => {
  // Pairs the Chinese STS-B rates 5 (same meaning): the bank holds the first sentences, we ask the second.
  const pairs = zhLines.map((l) => l.split('\t')).filter((f) => f[2] === '5').slice(0, 40);
  const bankFile = join(work, 'bank.jsonl');
  writeFileSync(bankFile, pairs.map((p, i) => JSON.stringify({ id: String(i), question: p[0] })).join('\n') + '\n');
  const questions = createQuestionService({ dataDir: join(work, 'questions'), embedder: engine });
  try {
    await questions.importFile(bankFile, { bank: '常见问题', columns: { question: 'question', id: 'id' } });
    let first = 0;
    for (let i = 0; i < pairs.length; i++) {
      const hits = await questions.ask('常见问题', pairs[i][1], { k: 3 });
      if (hits[0]?.externalId === String(i)) first++;
    }
    assert.ok(first / pairs.length >= 0.85, `${first} of ${pairs.length} Chinese paraphrases found first`);
  } finally {
    await questions.close();
  }
});
