/**
 * Every CLI command's progress goes through one writer: on a terminal one line rewritten in place,
 * otherwise a whole line at most once an interval; the last count of a run always shows, and a
 * notice never overwrites the progress line.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { progressLines } from '../../../src/cli/progress-lines';

function stream(isTTY: boolean) {
  const out = { isTTY, text: '', write: (s: string) => ((out.text += s), true) };
  return out;
}

test('not a terminal: the first line at once, then at most one an interval; a forced line and a changed one after the interval show', (t) => {
  t.mock.timers.enable({ apis: ['Date'] });
  const s = stream(false);
  const lines = progressLines({ stream: s, everyMs: 1000 });
  lines.show('1/10 rows');
  lines.show('2/10 rows');
  t.mock.timers.tick(999);
  lines.show('3/10 rows');
  t.mock.timers.tick(1);
  lines.show('4/10 rows');
  lines.show('10/10 rows', true);
  lines.show('10/10 rows', true);
  lines.say('note: something');
  lines.end();
  assert.equal(s.text, '1/10 rows\n4/10 rows\n10/10 rows\nnote: something\n');
});

test('a terminal: the line is rewritten in place, a notice goes above it, the end leaves the last line', (t) => {
  t.mock.timers.enable({ apis: ['Date'] });
  const s = stream(true);
  const lines = progressLines({ stream: s, everyMs: 0 });
  lines.show('indexing 1/2 files');
  lines.say('a notice');
  lines.show('indexing 2/2 files');
  lines.end();
  lines.end();
  assert.equal(s.text, '\r\x1b[Kindexing 1/2 files\r\x1b[Ka notice\nindexing 1/2 files\r\x1b[Kindexing 2/2 files\n');
});

test('TROVE_PROGRESS_MS sets the interval when the command does not', (t) => {
  t.mock.timers.enable({ apis: ['Date'] });
  const before = process.env.TROVE_PROGRESS_MS;
  process.env.TROVE_PROGRESS_MS = '250';
  try {
    const s = stream(false);
    const lines = progressLines({ stream: s });
    lines.show('a');
    t.mock.timers.tick(249);
    lines.show('b');
    t.mock.timers.tick(1);
    lines.show('c');
    assert.equal(s.text, 'a\nc\n');
  } finally {
    if (before === undefined) delete process.env.TROVE_PROGRESS_MS;
    else process.env.TROVE_PROGRESS_MS = before;
  }
});
