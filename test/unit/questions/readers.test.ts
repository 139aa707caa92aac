import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { describe, test } from 'node:test';
import { defaultDataDir } from '../../../src/core/questions/app-data-dir';
import { ColumnError, resolveColumns } from '../../../src/core/questions/columns';
import { csvField } from '../../../src/core/questions/export-bank';
import { mayBeTruncated } from '../../../src/core/questions/importer';
import { sniffDelimiter } from '../../../src/core/questions/table-readers';
import { parseMarkdownFaq } from '../../../src/core/questions/text-readers';
import { NotTextError } from '../../../src/core/text/byte-signs';
import { sniffEncoding } from '../../../src/core/text/decode-text';

describe('question readers (pure parts)', () => {
  test('columns by name, by index, by default header names; a missing one names the choices', () => {
    assert.deepEqual(resolveColumns(['ID', 'Question', 'Answer'], 3, {}), { question: 1, answer: 2, id: 0 });
    assert.deepEqual(resolveColumns(null, 3, { question: 2, answer: '0' }), { question: 2, answer: 0, id: null });
    assert.throws(() => resolveColumns(['q', 'a'], 2, { answer: 'reply' }), (e: Error) => e instanceof ColumnError && /"q" \(0\), "a" \(1\)/.test(e.message));
    assert.throws(() => resolveColumns(null, 2, { question: 5 }), /no header row; its 2 columns can be picked 0–1 by index/);
  });

  test('delimiter sniffing ignores delimiters inside quotes', () => {
    assert.equal(sniffDelimiter('a;b;c\n', ','), ';');
    assert.equal(sniffDelimiter('"x, y, z";b\n', ','), ';');
    assert.equal(sniffDelimiter('one\ttwo\n', ','), '\t');
    assert.equal(sniffDelimiter('single column\n', ','), ',');
  });

  test('encodings: BOMs, UTF-8, GBK and Shift-JIS by chardet, binary refused', () => {
    assert.equal(sniffEncoding(Buffer.from([0xff, 0xfe, 0x41, 0]), true).label, 'UTF-16LE');
    assert.equal(sniffEncoding(Buffer.from('héllo'), true).label, 'UTF-8');
    // A multi-byte character cut at the end of the sample is still UTF-8.
    assert.equal(sniffEncoding(Buffer.from('héllo').subarray(0, 2), false).label, 'UTF-8');
    assert.match(sniffEncoding(iconv.encode('我想找一下去年的税务文件。今天天气很好。', 'gbk'), true).label, /GB/);
    assert.match(sniffEncoding(iconv.encode('東京は日本の首都です。週末は営業していますか？', 'Shift_JIS'), true).label, /Shift_JIS/);
    assert.throws(() => sniffEncoding(Buffer.from([0x50, 0x4b, 0x03, 0x04, 1, 2]), true), (e: Error) => e instanceof NotTextError && /ZIP/.test(e.message));
    assert.throws(() => sniffEncoding(Buffer.alloc(0), true), /empty/);
  });

  test('Markdown FAQ: the most used heading level holds the questions; code fences are not headings', () => {
    const rows = parseMarkdownFaq('# Title\n\n## A?\nanswer a\n### detail\nmore\n## B?\n```\n## C?\n```\n');
    assert.deepEqual(rows, [
      { row: 3, question: 'A?', answer: 'answer a\n### detail\nmore', externalId: null },
      { row: 7, question: 'B?', answer: '```\n## C?\n```', externalId: null },
    ]);
  });

  test('truncation is reported only when the text surely exceeds the model window', () => {
    assert.equal(mayBeTruncated('short question?', 256), false);
    assert.equal(mayBeTruncated('word '.repeat(300), 256), true);
    assert.equal(mayBeTruncated('x'.repeat(600), 256), false); // one long token: may fit, not claimed
  });

  test('CSV export quoting and the app data folder per platform', () => {
    assert.equal(csvField('a "b", c'), '"a ""b"", c"');
    assert.equal(csvField('plain'), 'plain');
    assert.equal(defaultDataDir({ TROVE_DATA_DIR: '/x' }, 'linux'), '/x');
    assert.match(defaultDataDir({}, 'linux'), /\.config\/Trove$/);
    assert.match(defaultDataDir({}, 'darwin'), /Library\/Application Support\/Trove$/);
    assert.match(defaultDataDir({ APPDATA: 'C:\\Users\\u\\AppData\\Roaming' }, 'win32'), /Roaming.Trove$/);
  });
});
