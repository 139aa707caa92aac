/**
 * The vector index is exact: its int8 scan with float rescoring gives the same top-k, ids and scores as
 * a brute-force float search — including rows that are near-duplicates of each other, where int8 alone
 * would order them wrongly — whether the float rows are kept in memory or read from elsewhere.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync, truncateSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { loadVectors, saveVectors, VectorFileRejected } from '../../../src/core/vectors/vector-file';
import { VectorIndex, type FloatRows } from '../../../src/core/vectors/vector-index';

const d = 384;

function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

/** Clustered unit vectors: 60 topics, each row a topic plus noise, every 11th row nearly identical to its topic. */
function bank(n: number, dim = d): Float32Array {
  const r = rng(7);
  const topics = Array.from({ length: 60 }, () => Float32Array.from({ length: dim }, () => r() - 0.5));
  const m = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const t = topics[i % 60];
    const noise = i % 11 === 0 ? 0.001 : 0.6;
    let s = 0;
    for (let x = 0; x < dim; x++) {
      const v = t[x] + noise * (r() - 0.5);
      m[i * dim + x] = v;
      s += v * v;
    }
    for (let x = 0; x < dim; x++) m[i * dim + x] /= Math.sqrt(s);
  }
  return m;
}

function brute(m: Float32Array, q: Float32Array, k: number, dim = d): Array<{ id: number; score: number }> {
  const n = m.length / dim;
  const all = Array.from({ length: n }, (_, i) => {
    let s = 0;
    for (let x = 0; x < dim; x++) s += q[x] * m[i * dim + x];
    return { id: i + 1, score: Math.fround(s) };
  });
  return all.sort((a, b) => b.score - a.score || a.id - b.id).slice(0, k);
}

function build(m: Float32Array, options: ConstructorParameters<typeof VectorIndex>[1] = {}, dim = d): VectorIndex {
  const index = new VectorIndex(dim, { capacity: 4, ...options }); // capacity 4: storage grows many times
  for (let i = 0; i < m.length / dim; i++) index.add(i + 1, m.subarray(i * dim, (i + 1) * dim), Math.floor(i / 3));
  return index;
}

const queryNear = (m: Float32Array, t: number, n: number, dim = d) => {
  const q = m.slice(((t * 37) % n) * dim, ((t * 37) % n) * dim + dim);
  q[t % dim] += 0.05; // not exactly a stored row
  return q;
};

test('top-10 equals brute force, float rows in memory or read by id (6,000 clustered rows)', () => {
  const n = 6000;
  const m = bank(n);
  let reads = 0;
  const reader: FloatRows = {
    read(ids) {
      reads += ids.length;
      const out = new Float32Array(ids.length * d);
      ids.forEach((id, i) => out.set(m.subarray((id - 1) * d, id * d), i * d));
      return out;
    },
  };
  for (const index of [build(m), build(m, { floats: reader })]) {
    for (let t = 0; t < 25; t++) {
      const q = queryNear(m, t, n);
      assert.deepEqual(index.search(q, 10).map(({ id, score }) => ({ id, score })), brute(m, q, 10), `query ${t}`);
    }
  }
  // The reader saw candidates only, not the whole bank for every query.
  assert.ok(reads < 25 * n * 0.25, `${reads} rows read for 25 queries over ${n}`);
});

test('a dimension that is not a multiple of 8, and k larger than the index', () => {
  const m = bank(50, 18);
  const index = build(m, {}, 18);
  const q = queryNear(m, 3, 50, 18);
  assert.deepEqual(index.search(q, 100).map(({ id, score }) => ({ id, score })), brute(m, q, 100, 18));
});

test('group search: the best files by their best passage, each with its best passages first', () => {
  const n = 3000;
  const m = bank(n);
  const index = build(m);
  const q = queryNear(m, 5, n);
  const truth = brute(m, q, n);
  const expectedGroups: number[] = [];
  for (const h of truth) {
    const g = Math.floor((h.id - 1) / 3);
    if (!expectedGroups.includes(g)) expectedGroups.push(g);
    if (expectedGroups.length === 10) break;
  }
  const got = index.searchGroups(q, 10, 2);
  assert.deepEqual(got.map((list) => list[0].group), expectedGroups);
  // Each file's passages are its true best ones, in order (further passages far below the last file's
  // best are left out: they would not be shown anyway).
  for (const list of got) {
    const mine = truth.filter((h) => Math.floor((h.id - 1) / 3) === list[0].group).slice(0, list.length);
    assert.deepEqual(list.map(({ id, score }) => ({ id, score })), mine);
  }
});

test('a removed group never appears again and the other rows keep their vectors; a later add is found', () => {
  const n = 900;
  const m = bank(n);
  const index = build(m);
  const q = queryNear(m, 2, n);
  const before = index.search(q, 5);
  const gone = before[0].group;
  assert.equal(index.removeGroup(gone), 3);
  assert.equal(index.size, n - 3);
  assert.equal(index.hasGroup(gone), false);
  const kept = brute(m, q, n).filter((h) => Math.floor((h.id - 1) / 3) !== gone).slice(0, 5);
  assert.deepEqual(index.search(q, 5).map(({ id, score }) => ({ id, score })), kept);
  const v = new Float32Array(d);
  v[3] = 1;
  index.add(99999, v, 12345);
  const [top] = index.search(v, 3);
  assert.equal(top.id, 99999);
  assert.equal(top.group, 12345);
  assert.ok(Math.abs(top.score - 1) < 1e-6);
});

test('a vector of the wrong dimension is refused with a message', () => {
  const index = new VectorIndex(8);
  assert.throws(() => index.add(1, new Float32Array(7)), /7 dimensions, the index 8/);
  index.add(1, new Float32Array(8).fill(0.25));
  assert.throws(() => index.search(new Float32Array(9), 1), /9 dimensions/);
});

test('after a removal every other row is still found first by its own vector (rows moved into holes keep theirs)', () => {
  const dim = 8;
  const m = bank(300, dim);
  const index = new VectorIndex(dim);
  for (let i = 0; i < 300; i++) index.add(i, m.subarray(i * dim, (i + 1) * dim), i % 10);
  assert.equal(index.removeGroup(3), 30);
  assert.equal(index.size, 270);
  for (let i = 0; i < 300; i++) {
    const [top] = index.search(m.subarray(i * dim, (i + 1) * dim), 1);
    if (i % 10 === 3) assert.notEqual(top.group, 3);
    else assert.equal(top.id, i, `row ${i} lost after removal`);
  }
});

test('from graphFrom rows a graph answers (built between searches): recall@10 against brute force, exact scores, filters, removals, back to the scan', () => {
  const n = 3000;
  const m = bank(n);
  const index = build(m, { graphFrom: 1000 });
  const ids = (hits: { id: number }[]) => hits.map((h) => h.id);
  const recall = (accept?: (g: number) => boolean, exclude = new Set<number>()) => {
    let hits = 0;
    let wanted = 0;
    for (let t = 0; t < 40; t++) {
      const q = queryNear(m, t, n);
      const truth = brute(m, q, n).filter((h) => !exclude.has(Math.floor((h.id - 1) / 3)) && (!accept || accept(Math.floor((h.id - 1) / 3)))).slice(0, 10);
      const got = index.search(q, 10, accept);
      for (const h of got) {
        assert.ok(!accept || accept(h.group), 'only rows the filter accepts');
        assert.ok(!exclude.has(h.group), 'never a removed row');
        // Scores are exact float32 whatever found the row.
        const want = brute(m, q, n).find((b) => b.id === h.id)!;
        assert.equal(h.score, want.score);
      }
      hits += ids(got).filter((id) => ids(truth).includes(id)).length;
      wanted += truth.length;
    }
    return hits / wanted;
  };
  assert.equal(index.graphReady, false, 'built a slice at a time, not at once');
  const q0 = queryNear(m, 1, n);
  assert.deepEqual(index.search(q0, 10).map(({ id, score }) => ({ id, score })), brute(m, q0, 10), 'the exact scan answers meanwhile');
  index.finishGraph();
  assert.equal(index.graphReady, true);
  assert.equal(index.state().codes, null, 'no int8 rows kept beside the graph');
  assert.ok(recall() >= 0.99);
  assert.ok(recall((g) => g % 7 === 0) >= 0.99, 'a filter');
  assert.ok(recall((g) => g === 17 || g === 300) === 1, 'a narrow filter: every accepted row rescored');

  // Removals move rows inside the graph: each remaining row is still found by its own vector.
  const removed = new Set<number>();
  for (let g = 0; g < 1000; g += 9) {
    index.removeGroup(g);
    removed.add(g);
  }
  for (let i = 0; i < n; i += 7) {
    const g = Math.floor(i / 3);
    if (removed.has(g)) continue;
    assert.ok(ids(index.search(m.subarray(i * d, (i + 1) * d), 3)).includes(i + 1), `row ${i + 1} lost after removals`);
  }
  assert.ok(recall(undefined, removed) >= 0.99);

  // Saved and loaded with its graph: same answers.
  const dir = mkdtempSync(join(tmpdir(), 'trove-graph-'));
  try {
    const file = join(dir, 'index.vectors');
    saveVectors(file, index.state(), 'stamp 1');
    const reader: FloatRows = { read: (rs) => { const out = new Float32Array(rs.length * d); rs.forEach((id, i) => out.set(m.subarray((id - 1) * d, id * d), i * d)); return out; } };
    const loaded = VectorIndex.fromState(loadVectors(file, 'stamp 1', d), reader, { graphFrom: 1000 });
    assert.equal(loaded.graphReady, true);
    for (let t = 0; t < 10; t++) assert.deepEqual(loaded.search(queryNear(m, t, n), 10), index.search(queryNear(m, t, n), 10));
    saveVectors(file, index.state(), 'stamp 2');
    const graphs = readdirSync(dir).filter((f) => f.endsWith('.graph'));
    assert.equal(graphs.length, 1, 'the earlier save\'s graph file is removed');
    truncateSync(join(dir, graphs[0]), statSync(join(dir, graphs[0])).size - 10);
    assert.throws(() => loadVectors(file, 'stamp 2', d), (e: Error) => e instanceof VectorFileRejected && /graph file has/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  // Shrunk below half of graphFrom: the exact scan again.
  for (let g = 0; g < 1000; g++) if (!removed.has(g) && index.size >= 450) index.removeGroup(g);
  assert.equal(index.graphReady, false);
  const q = queryNear(m, 3, n);
  const left = index.search(q, 5);
  assert.deepEqual(index.search(q, 5), left);
  assert.equal(left.length, 5);
});
