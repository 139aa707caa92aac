/**
 * The language balance's own rules: which language a text is read as, and refusing a means file that
 * does not fit the model (a clear message naming the file, never vectors shifted by the wrong means).
 * Its effect on search is tested with the real model in test/integration/models/chinese.test.ts and
 * measured by `npm run bench:cross-language`.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { LANGUAGE_MEANS_FILE, LanguageBalance, scriptOf } from '../../../src/core/embed/language-balance';
import { shippedModelsDir } from '../../../src/core/embed/model-files';

const dir = mkdtempSync(join(tmpdir(), 'trove-balance-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('a text is read as the script most of its letters are in', () => {
  assert.equal(scriptOf('两只斑马正在一个场地上玩耍。'), 'Han');
  assert.equal(scriptOf('Two zebras play in an open field.'), 'Latin');
  assert.equal(scriptOf('用 git stash 保存未提交的修改'), 'Han', 'a Chinese sentence naming a command is Chinese');
  assert.equal(scriptOf('The word 隐私 means privacy in Chinese.'), 'Latin');
  assert.equal(scriptOf('Две зебры играют в поле.'), null, 'no means for Cyrillic: the average of the means applies');
  assert.equal(scriptOf('1234 — !!'), null);
});

test('the shipped multilingual model has means for Chinese and English, and they apply per role', () => {
  const balance = LanguageBalance.read(join(shippedModelsDir(), 'multilingual-e5-small-q4'), 384);
  assert.ok(balance);
  const v = () => Float32Array.from({ length: 384 }, (_, i) => (i === 0 ? 1 : 0));
  const [zh, en] = balance.apply(['斑马', 'zebra'], [v(), v()], 'query');
  assert.ok(Math.abs(Math.hypot(...zh) - 1) < 1e-5, 'normalised again');
  assert.notDeepEqual([...zh], [...en], 'each language has its own centre');
  assert.equal(LanguageBalance.read(join(shippedModelsDir(), 'all-MiniLM-L6-v2'), 384), null, 'English-only model: no balance');
});

test('a means file that does not fit the model is refused, naming the file', () => {
  const write = (content: string) => writeFileSync(join(dir, LANGUAGE_MEANS_FILE), content);
  write('{ not json');
  assert.throws(() => LanguageBalance.read(dir, 384), (err: Error) => err.message.includes(join(dir, LANGUAGE_MEANS_FILE)) && /not valid JSON/.test(err.message));
  const means = (n: number) => ({ query: Array(n).fill(0), passage: Array(n).fill(0), none: Array(n).fill(0) });
  write(JSON.stringify({ madeFrom: 'test', dimension: 8, languages: { zh: { script: 'Han', means: means(8) } } }));
  assert.throws(() => LanguageBalance.read(dir, 384), /does not hold 384-dimensional means/);
  write(JSON.stringify({ madeFrom: 'test', dimension: 384, languages: { ru: { script: 'Cyrillic', means: means(384) } } }));
  assert.throws(() => LanguageBalance.read(dir, 384), /\(ru\)/);
});
