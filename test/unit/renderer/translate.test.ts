/** UI strings as a person reads them: counts in the right plural form in both languages, controls placed by the sentence. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { en, zh } from '../../../src/renderer/lib/strings';
import { scriptName } from '../../../src/renderer/lib/script-names';
import { templateParts, translate, translateCount } from '../../../src/renderer/lib/translate';

test('"1 more passage", "3 more passages"; Chinese has one form', () => {
  assert.equal(translateCount('en', 'result.more', 1), '1 more passage');
  assert.equal(translateCount('en', 'result.more', 3), '3 more passages');
  assert.equal(translateCount('en', 'result.more', 0), '0 more passages');
  assert.equal(translateCount('zh', 'result.more', 1), '另有 1 个段落');
  assert.equal(translateCount('zh', 'result.more', 3), '另有 3 个段落');
});

test('the result count says how many files matched, singular for one', () => {
  assert.equal(translateCount('en', 'search.count', 1), '1 file matched');
  assert.equal(translateCount('en', 'search.count', 7), '7 files matched');
  assert.equal(translateCount('zh', 'search.count', 7), '匹配 7 个文件');
  assert.equal(translate('en', 'search.countOf', { shown: 20, n: 134 }), 'best 20 of 134 files that matched');
});

test('every plural key comes as a pair, in both languages, and every key has a Chinese text', () => {
  for (const key of Object.keys(en)) {
    const pair = key.endsWith('.one') ? key.replace(/\.one$/, '.other') : key.endsWith('.other') ? key.replace(/\.other$/, '.one') : null;
    if (pair) assert.ok(pair in en, `${key} has its pair ${pair}`);
    assert.ok(zh[key as keyof typeof en].trim(), `${key} has a Chinese text`);
  }
});

test('the correction sentence puts the corrected words and the "search instead" control where each language wants them', () => {
  assert.deepEqual(templateParts('en', 'search.correction'), [
    { text: 'Showing results for ' },
    { slot: 'corrected' },
    { text: '; search instead for ' },
    { slot: 'original' },
  ]);
  const zhParts = templateParts('zh', 'search.correction');
  assert.deepEqual(zhParts.filter((p) => 'slot' in p), [{ slot: 'corrected' }, { slot: 'original' }]);
  assert.ok(zhParts.every((p) => 'slot' in p || p.text.length > 0));
});

test('a placeholder nobody filled stays visible instead of vanishing', () => {
  assert.equal(translate('en', 'similar.title', {}), 'Files similar to {name}');
  assert.equal(translate('en', 'similar.title', { name: 'notes.md' }), 'Files similar to notes.md');
});

test('a script the model cannot read is named in words people use, in both languages', () => {
  assert.equal(scriptName('en', 'Han'), 'Chinese characters');
  assert.equal(scriptName('zh', 'Han'), '汉字');
  assert.equal(translate('en', 'search.script', { model: 'all-MiniLM-L6-v2', script: scriptName('en', 'Han') }).includes('does not read Chinese characters'), true);
  assert.equal(scriptName('en', 'Ol Chiki'), 'Ol Chiki', 'an unknown script keeps the engine’s name');
});
