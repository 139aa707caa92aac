import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { VectorIndex } from '../../../../src/core/index/vector-index';

/** Deterministic unit vectors (fixed vectors: the model is irrelevant to the index's arithmetic). */
function unitVectors(count: number, dim: number, seed = 1): Float32Array[] {
  let s = seed;
  const rand = () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 2 - 1;
  return Array.from({ length: count }, () => {
    const v = Float32Array.from({ length: dim }, rand);
    const norm = Math.hypot(...v);
    return v.map((x) => x / norm);
  });
}
const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i], 0);

describe('in-memory cosine index (fixed vectors)', () => {
  test('top-k equals a brute-force ranking, across growth of the storage', () => {
    const vs = unitVectors(3000, 18); // 18: not a multiple of 4, so the unrolled loop's tail is exercised
    const index = new VectorIndex(18, 4);
    vs.forEach((v, i) => index.add(Math.floor(i / 3), i, v));
    const q = unitVectors(1, 18, 99)[0];
    const expected = vs.map((v, i) => ({ i, s: dot(v, q) })).sort((a, b) => b.s - a.s).slice(0, 20);
    const got = index.search(q, 20);
    assert.deepEqual(got.map((g) => g.chunkId), expected.map((e) => e.i));
    assert.ok(Math.abs(got[0].score - expected[0].s) < 1e-5);
  });

  test('a removed file never appears in results, and the other files keep their vectors', () => {
    const vs = unitVectors(300, 8);
    const index = new VectorIndex(8);
    vs.forEach((v, i) => index.add(i % 10, i, v));
    assert.equal(index.removeFile(3), 30);
    assert.equal(index.size, 270);
    for (let i = 0; i < 300; i++) {
      const top = index.search(vs[i], 1)[0];
      if (i % 10 === 3) assert.notEqual(top.fileId, 3);
      else assert.equal(top.chunkId, i, `chunk ${i} lost after removal`);
    }
  });

  test('searchFiles returns k distinct files ordered by their best passage, with their passages best first', () => {
    const vs = unitVectors(500, 8, 7);
    const index = new VectorIndex(8);
    vs.forEach((v, i) => index.add(i % 50, i, v));
    const q = vs[123];
    const groups = index.searchFiles(q, 5, 3);
    assert.equal(groups.length, 5);
    assert.equal(groups[0][0].chunkId, 123);
    const files = groups.map((g) => g[0].fileId);
    assert.equal(new Set(files).size, 5);
    const bestPerFile = new Map<number, number>();
    vs.forEach((v, i) => bestPerFile.set(i % 50, Math.max(bestPerFile.get(i % 50) ?? -2, dot(v, q))));
    const expectedFiles = [...bestPerFile].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([f]) => f);
    assert.deepEqual(files, expectedFiles);
    for (const g of groups) for (let i = 1; i < g.length; i++) assert.ok(g[i - 1].score >= g[i].score);
  });

  test('vectors of the wrong dimension are refused', () => {
    const index = new VectorIndex(4);
    assert.throws(() => index.add(1, 1, new Float32Array(3)), /dimensions/);
  });
});
