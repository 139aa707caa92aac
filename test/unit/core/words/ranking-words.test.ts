import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import Database from 'better-sqlite3';
import { rankingPhrase, rankingText, rankingTokens, tokens } from '../../../../src/core/words/words';
import { fileTextOf } from '../../../../src/core/store/word-index';

describe('ranking words (chunk_stems, file_stems)', () => {
  test("English words become Snowball's stems, as libstemmer's english stemmer cuts them (not Porter's first algorithm)", () => {
    // Porter (FTS5's tokenizer) gives "gener" and "dy" for the first two; Snowball English (Porter2)
    // gives these, checked against libstemmer 2.2 on all 36,167 distinct words of SciFact.
    assert.deepEqual(rankingTokens('generously dying mutations regulated skies news'), ['generous', 'die', 'mutat', 'regul', 'sky', 'news']);
  });

  test('numbers, names with digits, other scripts and CJK characters are kept as the exact tokens', () => {
    assert.deepEqual(rankingTokens('p53 IL-6 Café Straße привет 数据库'), ['p53', 'il', '6', 'cafe', 'straße', 'привет', '数', '据', '库']);
    assert.deepEqual(rankingTokens('数据库'), tokens('数据库'));
  });

  test('a typed word or phrase asks the ranking table for its stems, as a phrase; a Chinese word for its characters side by side', () => {
    assert.equal(rankingPhrase('Mutations'), '"mutat"');
    assert.equal(rankingPhrase('--no-ff'), '"no ff"');
    assert.equal(rankingPhrase('数据库'), '"数 据 库"');
    assert.equal(rankingPhrase('!!'), null);
    const db = new Database(':memory:');
    db.exec("CREATE VIRTUAL TABLE t USING fts5(text, tokenize='unicode61 remove_diacritics 2')");
    const add = db.prepare('INSERT INTO t (rowid, text) VALUES (?, ?)');
    add.run(1, rankingText('The mutation was found in the 数据库 of genes.'));
    add.run(2, rankingText('数 and 据 and 库, each on its own.'));
    const found = (q: string) => db.prepare('SELECT rowid FROM t WHERE t MATCH ? ORDER BY rowid').pluck().all(rankingPhrase(q)!);
    assert.deepEqual(found('mutations'), [1], 'an inflected form finds the passage by its stem');
    assert.deepEqual(found('数据库'), [1], 'a Chinese word matches where its characters stand together, not where they are scattered');
    db.close();
  });

  test("a file's text is its passages with each overlap once", () => {
    const text = 'First sentence. Second sentence. Third one.';
    const p = (start: number, end: number) => ({ start, end, text: text.slice(start, end) });
    assert.equal(fileTextOf([p(0, 32), p(16, 43)]), text);
    assert.equal(fileTextOf([p(0, 15), p(16, 43)]), 'First sentence.\nSecond sentence. Third one.', 'a gap between passages is a line break');
    assert.equal(fileTextOf([p(0, 43), p(16, 32)]), text, 'a passage inside another adds nothing');
  });
});
