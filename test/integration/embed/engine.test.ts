/**
 * The real shipped model against the golden fixture made by sentence-transformers itself
 * (tools/model/golden.py), in this process.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { EmbeddingEngine } from '../../../src/core/embed/engine';
import { readManifest, defaultModelDir } from '../../../src/core/embed/model-files';
import { dot } from '../../../src/core/embed/similarity';

const golden = JSON.parse(readFileSync(new URL('../../fixtures/golden/embeddings.json', import.meta.url), 'utf8')) as {
  texts: string[];
  vectors: number[][];
};
const variants = Object.keys(readManifest(defaultModelDir()).variants) as ('fp32' | 'int8')[];
// int8 (tools/model/minilm_int8.py, 7-bit weights: the same on every CPU): worst 0.970 on "ok" (two word
// pieces leave the rounding nowhere to average out), mean 0.9905; texts of a sentence or more stay above 0.97.
const bar = { fp32: 0.999, int8: 0.95 };

let engine: EmbeddingEngine;
before(() => {
  // fp32 ("exact"): the tests below hold sentence-transformers' own figures, and int8's dynamic
  // quantisation makes a vector depend on its batch-mates (model-variants.test.ts covers int8).
  engine = EmbeddingEngine.create({ variant: 'exact' });
});
after(() => engine.close());

for (const variant of variants) {
  test(`${variant} model: every golden vector within cosine ${bar[variant]} of sentence-transformers (${golden.texts.length} texts)`, async () => {
    const e = variant === engine.variant ? engine : EmbeddingEngine.create({ variant });
    const got = await e.encode(golden.texts);
    let worst = 1;
    let worstText = '';
    got.forEach((v, i) => {
      const c = dot(v, Float32Array.from(golden.vectors[i]));
      if (c < worst) [worst, worstText] = [c, golden.texts[i]];
    });
    assert.ok(golden.texts.length >= 200);
    assert.ok(worst >= bar[variant], `worst cosine ${worst} for ${JSON.stringify(worstText.slice(0, 80))}`);
    if (e !== engine) await e.close();
  });
}

test("sentence-transformers' quickstart similarities hold within 0.01", async () => {
  const [weather, sunny, stadium] = await engine.encode([
    'The weather is lovely today.',
    "It's so sunny outside!",
    'He drove to the stadium.',
  ]);
  assert.ok(Math.abs(dot(weather, sunny) - 0.666) < 0.01, `sunny ${dot(weather, sunny)}`);
  assert.ok(Math.abs(dot(weather, stadium) - 0.1046) < 0.01, `stadium ${dot(weather, stadium)}`);
});

test('order is restored after length-sorted batching, and batch size does not change vectors', async () => {
  const texts = golden.texts.slice(150, 190);
  const a = await engine.encode(texts, { batchSize: 7 });
  const b = await engine.encode([...texts].reverse(), { batchSize: 64 });
  b.reverse();
  a.forEach((v, i) => assert.ok(dot(v, b[i]) > 0.99999, `text ${i}`));
  a.forEach((v, i) => assert.ok(dot(v, Float32Array.from(golden.vectors[150 + i])) > 0.999));
});

test('bad input gives defined vectors, not a crash: empty, whitespace, NUL, lone surrogates, 1 MB', async () => {
  const huge = 'All work and no play makes Jack a dull boy. '.repeat(24_000); // ~1 MB
  const texts = ['', '   \n\t', 'a\u0000b', 'broken \ud800 surrogate \udfff', huge, 'All work and no play makes Jack a dull boy.'];
  const vs = await engine.encode(texts);
  assert.equal(vs.length, texts.length);
  for (const v of vs) {
    assert.equal(v.length, 384);
    assert.ok(v.every(Number.isFinite));
    assert.ok(Math.abs(dot(v, v) - 1) < 1e-4, 'unit length');
  }
  // Empty and whitespace-only both give the vector of "[CLS] [SEP]", as sentence-transformers does.
  assert.ok(dot(vs[0], vs[1]) > 0.9999);
  // The 1 MB text is still about what it says.
  assert.ok(dot(vs[4], vs[5]) > 0.5, `1 MB text vs its sentence: ${dot(vs[4], vs[5])}`);
  const [whole, prefix] = await engine.encode([huge, huge.slice(0, 5000)]);
  assert.ok(dot(whole, prefix) > 0.99999, 'a 1 MB text embeds exactly as its first 256 word pieces');
});

test('a missing model folder fails with an error naming the path', () => {
  assert.throws(() => EmbeddingEngine.create({ modelDir: '/nonexistent/trove-model' }), /model folder not found: \/nonexistent\/trove-model/);
});
