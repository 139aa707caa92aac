/** The re-ordering step of retrieve-and-re-rank, with scores given (the model's own scores are tested in integration). */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Candidate } from '../../../../src/core/search/fusion';
import { rerankCandidates } from '../../../../src/core/search/rerank';

const candidates: Candidate[] = [0.9, 0.8, 0.7, 0.6, 0.5].map((score, i) => ({ chunkId: i + 1, fileId: i + 1, similarity: score, words: null, score }));
const text = (id: number) => `passage ${id}`;
/** A re-ranker that likes higher passage numbers (the reverse of the first stage). */
const reverse = async (_q: string, passages: string[]) => Float32Array.from(passages, (p) => Number(p.split(' ')[1]));

test('only the first `depth` passages are re-ordered; the rest keep their place after them', async () => {
  const r = await rerankCandidates('q', candidates, text, reverse, { depth: 3, blend: 1 });
  assert.deepEqual(r.candidates.map((c) => c.chunkId), [3, 2, 1, 4, 5]);
  assert.equal(r.passages, 3);
});

test('the shown score follows the new order and stays above the passages not re-scored', async () => {
  const r = await rerankCandidates('q', candidates, text, reverse, { depth: 3, blend: 1 });
  const scores = r.candidates.map((c) => c.score);
  assert.deepEqual([...scores].sort((a, b) => b - a), scores);
  assert.ok(Math.abs(scores[0] - 0.9) < 1e-9 && Math.abs(scores[2] - 0.7) < 1e-9);
  // The inputs are not changed (the first-stage list may be used again, e.g. by a spelling retry).
  assert.deepEqual(candidates.map((c) => c.score), [0.9, 0.8, 0.7, 0.6, 0.5]);
});

test('the blend weighs the re-ranker against the first stage: 0 keeps the first order', async () => {
  const keep = await rerankCandidates('q', candidates, text, reverse, { depth: 5, blend: 0 });
  assert.deepEqual(keep.candidates.map((c) => c.chunkId), [1, 2, 3, 4, 5]);
  // Half and half with opposite orders is a tie, and a tie keeps the first stage's order.
  const mild = async (_q: string, passages: string[]) => Float32Array.from(passages, (p) => (p === 'passage 2' ? 0.52 : 0.5));
  const half = await rerankCandidates('q', candidates.slice(0, 2), text, mild, { depth: 2, blend: 0.5 });
  assert.deepEqual(half.candidates.map((c) => c.chunkId), [1, 2]);
});
