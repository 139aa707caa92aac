/** What a result card shows of a passage: the highlighted sentence must be visible, where the file is. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { coversAll, duration, excerpt, shortDir, splitAt } from '../../../src/renderer/lib/format';

test('a highlight near the start shows the passage from its beginning', () => {
  const text = 'Short intro. The matching sentence. More.';
  assert.deepEqual(excerpt(text, 13, 35), { text, start: 13, end: 35 });
});

test('a highlight deep in a long passage is brought into view, cut at a word, offsets still on the span', () => {
  const filler = 'word '.repeat(100);
  const sentence = 'ADAR1 increases the rate of pre-miRNA cleavage by Dicer.';
  const text = `${filler}${sentence} Tail.`;
  const start = filler.length;
  const shown = excerpt(text, start, start + sentence.length);
  assert.ok(shown.text.startsWith('…word '));
  assert.ok(shown.text.length < text.length);
  assert.equal(shown.text.slice(shown.start, shown.end), sentence);
});

test('splitAt clamps offsets that run past the text', () => {
  assert.deepEqual(splitAt('abcdef', 2, 4), ['ab', 'cd', 'ef']);
  assert.deepEqual(splitAt('abc', 1, 99), ['a', 'bc', '']);
  assert.deepEqual(splitAt('abc', 5, 2), ['abc', '', '']);
});

test('a whole-passage "highlight" is recognised (trailing newline or not)', () => {
  assert.ok(coversAll('All of it.\n', 0, 10));
  assert.ok(!coversAll('All of it.', 4, 10));
});

test('paths read from the indexed folder down', () => {
  assert.equal(shortDir('/home/a/Documents/x.txt', '/home/a/Documents'), 'Documents');
  assert.equal(shortDir('/home/a/Documents/papers/2024/x.pdf', '/home/a/Documents'), 'Documents/papers/2024');
  assert.equal(shortDir('C:\\Users\\a\\Notes\\x.md', 'C:\\Users\\a\\Notes'), 'Notes');
});

test('time left reads like a person would say it', () => {
  assert.equal(duration(42), '42 s');
  assert.equal(duration(150), '3 min');
  assert.equal(duration(3900), '1 h 5 min');
});
