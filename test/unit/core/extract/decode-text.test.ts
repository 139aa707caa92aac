import assert from 'node:assert/strict';
import iconv from 'iconv-lite';
import { describe, test } from 'node:test';
import { PlainTextExtractor } from '../../../../src/core/extract/plain-text';

const extract = (bytes: Buffer, type = 'txt') => new PlainTextExtractor([type]).extract(bytes, type);

describe('plain-text extraction', () => {
  test('UTF-8 text, with or without BOM, and CRLF line ends', async () => {
    assert.equal((await extract(Buffer.from('héllo\r\nwörld 世界'))).text, 'héllo\nwörld 世界');
    assert.equal((await extract(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('abc')]))).text, 'abc');
  });

  test('UTF-16 with a BOM is decoded', async () => {
    const bytes = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('Grüße aus Köln', 'utf16le')]);
    assert.equal((await extract(bytes)).text, 'Grüße aus Köln');
  });

  test('a legacy 8-bit file (Windows-1252) is recognised and decoded', async () => {
    const text = 'Le café était très crème; la forêt près du château. '.repeat(8);
    const got = (await extract(iconv.encode(text, 'windows-1252'))).text;
    assert.equal(got, text);
  });

  test('binary content named .txt is refused as binary', async () => {
    const bytes = Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 3, 0, 0x3e, 0]);
    await assert.rejects(extract(bytes), /binary content/);
  });

  test('damaged UTF-8 is refused with the byte position', async () => {
    const bytes = Buffer.concat([Buffer.from('naïve café '), Buffer.from([0xc3, 0x28]), Buffer.from(' end')]);
    await assert.rejects(extract(bytes), /not valid UTF-8.*byte 13/);
  });

  test('an empty file is refused as empty', async () => {
    await assert.rejects(extract(Buffer.alloc(0)), /empty file/);
  });

  test('XML keeps its character data, not its tags', async () => {
    const doc = await extract(Buffer.from('<?xml version="1.0"?><note><to>Tove</to><body>Don&apos;t forget me</body></note>'), 'xml');
    assert.equal(doc.text, "ToveDon't forget me");
  });

  test('reStructuredText and org headings become sections', async () => {
    const rst = await extract(Buffer.from('Title\n=====\n\nIntro.\n\nPart\n----\n\nBody.\n'), 'rst');
    assert.deepEqual(rst.sections.map((s) => [s.level, s.title]), [[1, 'Title'], [2, 'Part']]);
    const org = await extract(Buffer.from('* Top\ntext\n** Sub\nmore\n'), 'org');
    assert.deepEqual(org.sections.map((s) => [s.level, s.title]), [[1, 'Top'], [2, 'Sub']]);
  });
});
