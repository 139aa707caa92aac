import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Speller } from '../../../../src/core/search/spelling';
import type { WordIndex } from '../../../../src/core/store/word-index';

/** The vocabulary a real index of git's stash and merge pages holds, with passage counts. */
function speller(vocab: Record<string, number>): Speller {
  const words = { passagesWith: (t: string) => vocab[t] ?? 0, vocabulary: () => Object.entries(vocab).map(([term, doc]) => ({ term, doc })) };
  return new Speller(words as unknown as WordIndex, () => 0);
}

test('swapped neighbouring letters count as one edit, so "stahs" is "stash", not "stats"', () => {
  const s = speller({ stash: 40, stats: 2, my: 30, changes: 25, merge: 50 });
  assert.equal(s.correct('stahs my chnages', ['stahs', 'my', 'chnages']), 'stash my changes');
});

test('known words, short words and identifiers stay as typed; nothing close enough gives no correction', () => {
  const s = speller({ stash: 40, merge: 50, ff: 3 });
  assert.equal(s.correct('merge --no-ff', ['merge', '--no-ff']), null);
  assert.equal(s.correct('zzqx', ['zzqx']), null);
  assert.equal(s.correct('mrege', ['mrege']), 'merge');
});
