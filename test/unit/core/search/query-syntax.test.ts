import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { parseQuery } from '../../../../src/core/search/query-syntax';
import { ftsPhrase, indexText, queryWords, tokens } from '../../../../src/core/words/words';

describe('query syntax', () => {
  test('"exact phrase" must occur; -word excludes; the rest is looked for by meaning and words', () => {
    const q = parseQuery('rotate logs "log rotation policy" -draft');
    assert.deepEqual(q.phrases.map((p) => p.tokens), [['log', 'rotation', 'policy']]);
    assert.deepEqual(q.excluded.map((e) => e.text), ['draft']);
    assert.deepEqual(q.units, ['rotate', 'logs']);
    assert.equal(q.meaningText, 'rotate logs log rotation policy');
  });

  test('a word starting with -- is a word (git merge --no-ff), not an exclusion', () => {
    const q = parseQuery('--no-ff');
    assert.deepEqual(q.excluded, []);
    assert.deepEqual(q.words.map((w) => w.tokens), [['no', 'ff']]);
    assert.equal(q.meaningText, '--no-ff');
  });

  test("FTS5's operators typed by a person are plain words inside quoted phrases, which FTS5 accepts", () => {
    const q = parseQuery('NEAR(a b) OR title:x* "x" AND ^y');
    const match = q.words.map((w) => ftsPhrase(w.tokens)).join(' OR ');
    assert.equal(match, '"near a" OR "b" OR "or" OR "title x" OR "and" OR "y"');
    const db = new Database(':memory:');
    db.exec("CREATE VIRTUAL TABLE t USING fts5(text); INSERT INTO t VALUES ('title x and or b')");
    assert.equal(db.prepare('SELECT COUNT(*) FROM t WHERE t MATCH ?').pluck().get(match), 1);
    db.close();
  });

  test('curly quotes make a phrase too; an exclusion alone leaves no meaning text', () => {
    assert.deepEqual(parseQuery('“stash pop”').phrases.map((p) => p.text), ['stash pop']);
    assert.equal(parseQuery('-draft').meaningText, '');
  });
});

describe('keyword-index words', () => {
  test('each CJK character is its own token on both sides, so a two-character word is a phrase of two tokens', () => {
    assert.equal(indexText('我喜欢机器学习'), ' 我  喜  欢  机  器  学  习 ');
    assert.deepEqual(tokens('机器学习 and Café'), ['机', '器', '学', '习', 'and', 'cafe']);
    // Intl.Segmenter cuts a Chinese question into words: each becomes a phrase of its characters.
    const words = queryWords('如何保存修改').map((w) => w.text);
    assert.ok(words.includes('保存') && words.includes('修改'), words.join('|'));
  });
});
