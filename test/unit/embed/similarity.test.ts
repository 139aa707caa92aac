import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cosSim, dot, normalize } from '../../../src/core/embed/similarity';
import { TopK } from '../../../src/core/vectors/top-k';
import { ranks, spearman } from '../../../src/core/eval/sts';

const v = (...x: number[]) => Float32Array.from(x);

test('cosSim is scale-free and dot equals it on normalised vectors', () => {
  const a = v(1, 2, 3);
  const b = v(-2, 0.5, 4);
  assert.ok(Math.abs(cosSim(a, b) - cosSim(v(10, 20, 30), b)) < 1e-6);
  assert.ok(Math.abs(dot(normalize(v(1, 2, 3)), normalize(v(-2, 0.5, 4))) - cosSim(a, b)) < 1e-6);
  assert.equal(cosSim(v(0, 0), v(1, 0)), 0);
  assert.throws(() => cosSim(v(1), v(1, 2)), /dimensions differ/);
});

test('TopK keeps exactly the k best of a random stream', () => {
  const scores = Array.from({ length: 1000 }, (_, i) => Math.sin(i * 12.9898) * 43758.5453 % 1);
  const top = new TopK(7);
  scores.forEach((s, i) => top.push(s, i));
  const expected = scores.map((s, i) => ({ s, i })).sort((a, b) => b.s - a.s).slice(0, 7).map((x) => x.i);
  assert.deepEqual(top.result().map((r) => r.corpusId), expected);
});

test('spearman ranks ties by their average, as scipy does', () => {
  assert.deepEqual(ranks([10, 20, 20, 5]), [2, 3.5, 3.5, 1]);
  assert.ok(Math.abs(spearman([1, 2, 3, 4], [10, 20, 30, 40]) - 1) < 1e-12);
  assert.ok(Math.abs(spearman([1, 2, 3, 4], [4, 3, 2, 1]) + 1) < 1e-12);
});
