/**
 * Files in the encodings people's text files are really in are decoded to the known text, and long
 * Chinese and Japanese text is cut into passages at sentence ends. Text whose encoding cannot be
 * decided, and mojibake, are refused with a reason instead of indexed as garbage.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import iconv from 'iconv-lite';
import { chunkDocument } from '../../../src/core/chunk/chunker';
import { loadTokenCounter } from '../../../src/core/embed/tokenizer';
import type { TokenCounter } from '../../../src/core/embed/types';
import { PlainTextExtractor } from '../../../src/core/extract/plain-text';
import { CHINESE, FRENCH, JAPANESE, KOREAN, TRADITIONAL_CHINESE } from './known-texts';

const GENERATED = join(import.meta.dirname, '..', '..', 'fixtures', 'documents', 'generated');
const read = (bytes: Buffer) => new PlainTextExtractor(['txt']).extract(bytes, 'txt');
const readFixture = (name: string) => read(readFileSync(join(GENERATED, name)));

let counter: TokenCounter;
before(async () => {
  counter = await loadTokenCounter();
});

describe('text encodings', () => {
  const cases: [string, string][] = [
    ['chinese-gbk.txt', CHINESE],
    ['chinese-utf8.txt', CHINESE],
    ['japanese-shift-jis.txt', JAPANESE],
    ['chinese-big5.txt', TRADITIONAL_CHINESE],
    ['korean-euc-kr.txt', KOREAN],
    ['french-windows-1252.txt', FRENCH],
  ];
  for (const [file, text] of cases) {
    test(`${file} is decoded to the known text`, async () => {
      assert.equal((await readFixture(file)).text, text);
    });
  }

  test('GB18030 and Latin-1 are decoded', async () => {
    assert.equal((await read(iconv.encode(CHINESE, 'gb18030'))).text, CHINESE);
    assert.equal((await read(iconv.encode(FRENCH, 'latin1'))).text, FRENCH);
  });

  test('UTF-8 with a BOM, and UTF-16 LE/BE with or without one', async () => {
    assert.equal((await read(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(JAPANESE)]))).text, JAPANESE);
    for (const enc of ['utf-16le', 'utf-16be']) {
      assert.equal((await read(iconv.encode(JAPANESE, enc, { addBOM: true }))).text, JAPANESE, enc);
      assert.equal((await read(iconv.encode(FRENCH, enc))).text, FRENCH, `${enc} without BOM`);
    }
  });

  test('mojibake (UTF-8 read as Latin-1 and saved again) is refused, not indexed', async () => {
    const garbled = Buffer.from(iconv.decode(Buffer.from(FRENCH + ' ' + FRENCH), 'latin1'), 'utf8');
    await assert.rejects(read(garbled), /mojibake/);
  });

  test('bytes in no recognisable encoding are recorded as such', async () => {
    // High bytes that form no valid sequence in UTF-8 nor in any legacy CJK encoding.
    const noise = Buffer.from(Array.from({ length: 400 }, (_, i) => 0x80 + ((i * 37) % 0x20)));
    await assert.rejects(read(noise), /encoding could not be recognised|not valid UTF-8/);
  });
});

describe('CJK text is chunked at sentence ends', () => {
  for (const [name, file, text] of [
    ['Chinese (GBK)', 'chinese-gbk.txt', CHINESE],
    ['Chinese (UTF-8)', 'chinese-utf8.txt', CHINESE],
    ['Japanese (Shift-JIS)', 'japanese-shift-jis.txt', JAPANESE],
  ] as const) {
    test(name, async () => {
      const doc = await readFixture(file);
      const chunks = chunkDocument(doc, counter, { maxTokens: 128 });
      assert.ok(chunks.length >= 2, `one paragraph of ${text.length} characters needs several passages, got ${chunks.length}`);
      for (const c of chunks) {
        assert.match(c.text, /。$/, `passage ends at a sentence end: …${c.text.slice(-12)}`);
        assert.ok(c.start === 0 || doc.text[c.start - 1] === '。', `passage starts at a sentence start: ${c.text.slice(0, 12)}…`);
        assert.ok(text.includes(c.text));
      }
      // Every sentence is in some passage.
      for (const s of text.split(/(?<=。)/)) assert.ok(chunks.some((c) => c.text.includes(s)), s);
    });
  }
});
