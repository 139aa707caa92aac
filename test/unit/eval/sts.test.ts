/** `eval sts` input: the three layouts of ../shared/eval, skipped lines counted, never read as score 0. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { readSts } from '../../../src/core/eval/sts';

const evalDir = resolve(import.meta.dirname, '..', '..', '..', '..', 'shared', 'eval');
const work = mkdtempSync(join(tmpdir(), 'trove-sts-'));
after(() => rmSync(work, { recursive: true, force: true }));

test('STS-B test, dev and train read as seven fields with the gold score in the fifth', () => {
  const testFile = readSts(join(evalDir, 'stsb', 'sts-test.csv'));
  assert.equal(testFile.layout, 'stsb');
  assert.equal(testFile.pairs.length, 1379);
  assert.equal(testFile.skipped.length, 0);
  assert.deepEqual(testFile.pairs[0], { score: 2.5, a: 'A girl is styling her hair.', b: 'A girl is brushing her hair.' });
  assert.equal(readSts(join(evalDir, 'stsb', 'sts-dev.csv')).pairs.length, 1500);
});

test('the Chinese STS-B reads as sentence1, sentence2, score', () => {
  const zh = readSts(join(evalDir, 'stsb-zh', 'test.tsv'));
  assert.equal(zh.layout, 'pair-score');
  assert.equal(zh.pairs.length, 1361);
  assert.deepEqual(zh.pairs[0], { score: 2, a: '一个女孩在给她的头发做发型。', b: '一个女孩在梳头。' });
});

test('a line without a score is skipped and counted, not read as 0', () => {
  const path = join(work, 'holes.tsv');
  writeFileSync(path, ['一个女孩在梳头。\t一个女孩在给她的头发做发型。\t4', '两个人在说话。\t一只猫在睡觉。\t', '一只狗在跑。\t狗在奔跑。\tn/a', 'only one field', '一个男人在弹吉他。\t一个人在弹吉他。\t3', ''].join('\n'));
  const file = readSts(path);
  assert.equal(file.pairs.length, 2);
  assert.deepEqual(file.pairs.map((p) => p.score), [4, 3]);
  assert.deepEqual(file.skipped.map((s) => s.line), [2, 3, 4]);
  assert.match(file.skipped[0].reason, /no numeric score/);
  assert.match(file.skipped[2].reason, /1 tab-separated fields, need 3/);
});

test('fewer than two pairs is an error that says why', () => {
  const path = join(work, 'one.tsv');
  writeFileSync(path, 'a\tb\t3\nc\td\t\n');
  assert.throws(() => readSts(path), /1 sentence pair with a score \(need at least 2 for a correlation; 1 line\(s\) skipped\)/);
  const empty = join(work, 'empty.tsv');
  writeFileSync(empty, '\n\n');
  assert.throws(() => readSts(empty), /0 sentence pairs/);
});
