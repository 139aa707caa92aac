/**
 * The lookup index is exact: its int8 scan with float rescoring (large banks) and its JS scan (small
 * banks) give the same top-k, ids and scores, as a brute-force float search — including rows that are
 * near-duplicates of each other, where int8 alone would order them wrongly.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { QuestionIndex } from '../../../src/core/questions/question-index';
import { VectorKernels } from '../../../src/core/questions/vector-kernels';

const d = 384;
const kernels = new VectorKernels(d, 1);
after(() => kernels.close());

function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

/** Clustered unit vectors: 60 topics, each row a topic plus noise, some rows nearly identical. */
function bank(n: number): Float32Array {
  const r = rng(7);
  const topics = Array.from({ length: 60 }, () => Float32Array.from({ length: d }, () => r() - 0.5));
  const m = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    const t = topics[i % 60];
    const noise = i % 11 === 0 ? 0.001 : 0.6;
    let s = 0;
    for (let x = 0; x < d; x++) {
      const v = t[x] + noise * (r() - 0.5);
      m[i * d + x] = v;
      s += v * v;
    }
    for (let x = 0; x < d; x++) m[i * d + x] /= Math.sqrt(s);
  }
  return m;
}

function brute(m: Float32Array, q: Float32Array, k: number): Array<{ id: number; score: number }> {
  const n = m.length / d;
  const all = Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let x = 0; x < d; x++) s += q[x] * m[i * d + x];
    return { id: i + 1, score: Math.fround(s) };
  });
  return all.sort((a, b) => b.score - a.score || a.id - b.id).slice(0, k);
}

test('int8 scan + float rescoring (6,000 rows) and JS scan (1,000 rows) equal brute force', async () => {
  for (const n of [6000, 1000]) {
    const m = bank(n);
    const index = new QuestionIndex(d, kernels, { ids: Int32Array.from({ length: n }, (_, i) => i + 1), matrix: m });
    for (let t = 0; t < 25; t++) {
      const q = m.slice(((t * 37) % n) * d, ((t * 37) % n) * d + d);
      q[t % d] += 0.05; // not exactly a stored row
      const got = await index.search(q, 10);
      assert.deepEqual(got, brute(m, q, 10), `n=${n}, query ${t}`);
    }
  }
});

test('a row added after the first search is found (the int8 copy is rebuilt)', async () => {
  const n = 5000;
  const m = bank(n);
  const index = new QuestionIndex(d, kernels, { ids: Int32Array.from({ length: n }, (_, i) => i + 1), matrix: m });
  const q = new Float32Array(d);
  q[3] = 1;
  await index.search(q, 3);
  index.add(99999, q);
  const [top] = await index.search(q, 3);
  assert.equal(top.id, 99999);
  assert.ok(Math.abs(top.score - 1) < 1e-6);
});
