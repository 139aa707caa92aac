import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fuse } from '../../../../src/core/search/fusion';
import { strongWords, WORDS_LINE } from '../../../../src/core/search/keyword-query';

test('words alone score a file by its share of the best possible keyword score, best first; the words line judges that share', () => {
  const words = [
    { chunkId: 1, fileId: 1, score: 6 },
    { chunkId: 2, fileId: 2, score: 1 },
  ];
  const found = fuse([], words, null, { kind: 'convex', alpha: 0.2 }, false, 12);
  assert.deepEqual(
    found.map((c) => [c.chunkId, c.score]),
    [
      [1, 0.5],
      [2, 1 / 12],
    ],
  );
  assert.ok(WORDS_LINE > 1 / 12 && WORDS_LINE <= 0.5);
  assert.equal(strongWords(6, 12), true, 'half of what a file holding every word could score');
  assert.equal(strongWords(1, 12), false, 'one common word of a long question');
  assert.equal(strongWords(null, 12), false, 'not found by words');
  // A best hit above the bound (a short passage can outscore the whole-file bound) scales to 1, not beyond.
  assert.equal(fuse([], words, null, { kind: 'convex', alpha: 0.2 }, false, 3)[0].score, 1);
});
