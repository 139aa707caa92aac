/**
 * Trove's cross-encoder against sentence-transformers' own `CrossEncoder.predict` (golden scores made
 * by tools/model/cross_encoder.py with PyTorch, fp32): the same scores on pairs cut on one side, on
 * both, Chinese and empty ones — for every re-ranker folder that has golden scores.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { CrossEncoderEngine } from '../../../src/core/embed/cross-encoder';
import { isCrossEncoderFolder, readCrossEncoder } from '../../../src/core/embed/cross-encoder-model';
import { shippedModelsDir } from '../../../src/core/embed/model-files';
import { loadPairTokenizer, pairLengths } from '../../../src/core/embed/pair-tokens';

const GOLDEN = join(import.meta.dirname, '../../fixtures/golden');
const TINY = join(shippedModelsDir(), 'test-fixtures', 'tiny-cross-encoder');

interface Golden {
  maxSeqLength: number;
  pairs: { query: string; passage: string; score: number; tokens: number }[];
}

/** Every re-ranker folder shipped or used as a fixture that has golden scores beside it. */
function goldenModels(): { name: string; dir: string; golden: Golden }[] {
  return readdirSync(GOLDEN)
    .filter((name) => existsSync(join(GOLDEN, name, 'scores.json')))
    .map((name) => ({
      name,
      dir: [join(shippedModelsDir(), name), join(shippedModelsDir(), 'test-fixtures', name)].find((d) => existsSync(d)) ?? '',
      golden: JSON.parse(readFileSync(join(GOLDEN, name, 'scores.json'), 'utf8')) as Golden,
    }))
    .filter((m) => m.dir);
}

test('the tiny re-ranker fixture and its golden scores are there (else the golden test below checks nothing)', () => {
  assert.ok(goldenModels().some((m) => m.name === 'tiny-cross-encoder'));
});

for (const { name, dir, golden } of goldenModels()) {
  test(`${name}: scores equal CrossEncoder.predict (max abs difference ≤ 1e-4)`, async () => {
    const engine = CrossEncoderEngine.create(dir);
    try {
      const scores: number[] = [];
      // One query at a time, as search asks (the golden pairs have a query each).
      for (const p of golden.pairs) scores.push((await engine.score(p.query, [p.passage]))[0]);
      const worst = Math.max(...golden.pairs.map((p, i) => Math.abs(scores[i] - p.score)));
      assert.ok(worst <= 1e-4, `max |Trove - sentence-transformers| = ${worst}`);
      // All at once for one query: batching and order must not change a score.
      const q = golden.pairs[0].query;
      const many = await engine.score(q, golden.pairs.map((p) => p.passage));
      const single = await engine.score(q, [golden.pairs[5].passage]);
      assert.ok(Math.abs(many[5] - single[0]) <= 1e-5);
    } finally {
      await engine.close();
    }
  });

  test(`${name}: pairs are cut to the model's length the way transformers cuts them (longest first)`, () => {
    const model = readCrossEncoder(dir);
    assert.equal(model.maxSeqLength, golden.maxSeqLength);
    const tokenizer = loadPairTokenizer(dir, model.maxSeqLength, model.manifest);
    for (const p of golden.pairs) assert.equal(tokenizer.encode(p.query, p.passage).ids.length, p.tokens, `${p.query.slice(0, 40)} / ${p.passage.slice(0, 40)}`);
    assert.ok(golden.pairs.some((p) => p.tokens === golden.maxSeqLength), 'some golden pair is cut');
  });
}

test('pair lengths follow the tokenizers library (its own test cases, room 7)', () => {
  const cases: [number, number, number, number][] = [
    [0, 8, 0, 7], [2, 8, 2, 5], [4, 4, 3, 4], [4, 8, 3, 4], [8, 2, 5, 2], [8, 4, 4, 3], [8, 8, 3, 4], [2, 2, 2, 2], [8, 0, 7, 0],
  ];
  for (const [a, b, ka, kb] of cases) assert.deepEqual(pairLengths(a, b, 7), [ka, kb], `${a}+${b}`);
  // tokenizers' test_specials_pair: 4 and 4 pieces with 3 specials and max_length 8.
  assert.deepEqual(pairLengths(4, 4, 5), [2, 3]);
});

test('a re-ranker folder is told apart from a sentence-embedding one', () => {
  assert.equal(isCrossEncoderFolder(TINY), true);
  assert.equal(isCrossEncoderFolder(join(shippedModelsDir(), 'all-MiniLM-L6-v2')), false);
});

test('a cross-encoder with several labels, an unknown activation or a damaged graph is refused with the file named', async () => {
  const tmp = mkdtempSync(join(tmpdir(), 'trove-ce-'));
  try {
    const labels = join(tmp, 'labels');
    cpSync(TINY, labels, { recursive: true });
    const config = JSON.parse(readFileSync(join(labels, 'config.json'), 'utf8'));
    writeFileSync(join(labels, 'config.json'), JSON.stringify({ ...config, num_labels: 3, id2label: { 0: 'a', 1: 'b', 2: 'c' } }));
    assert.throws(() => CrossEncoderEngine.create(labels), /num_labels 3.*one relevance score/);

    const activation = join(tmp, 'activation');
    cpSync(TINY, activation, { recursive: true });
    const st = JSON.parse(readFileSync(join(activation, 'config_sentence_transformers.json'), 'utf8'));
    writeFileSync(join(activation, 'config_sentence_transformers.json'), JSON.stringify({ ...st, activation_fn: 'mypackage.Weird' }));
    assert.throws(() => CrossEncoderEngine.create(activation), /activation mypackage\.Weird/);

    const damaged = join(tmp, 'damaged');
    cpSync(TINY, damaged, { recursive: true });
    writeFileSync(join(damaged, 'onnx', 'model.onnx'), 'not a graph');
    const engine = CrossEncoderEngine.create(damaged);
    await assert.rejects(engine.score('q', ['p']), /damaged: .*model\.onnx/);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
});
