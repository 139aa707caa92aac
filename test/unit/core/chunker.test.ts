import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { chunkDocument } from '../../../src/core/chunk/chunker';
import { loadTokenCounter } from '../../../src/core/embed/tokenizer';
import type { TokenCounter } from '../../../src/core/embed/types';
import { PlainTextExtractor } from '../../../src/core/extract/plain-text';

let counter: TokenCounter;
before(async () => {
  counter = await loadTokenCounter();
});

async function chunks(text: string, type = 'txt') {
  const doc = await new PlainTextExtractor([type]).extract(Buffer.from(text), type);
  return { doc, chunks: chunkDocument(doc, counter, { maxTokens: 256 }) };
}

const sentence = (i: number) => `Sentence number ${i} talks about the migration of arctic terns across oceans. `;

describe('chunker', () => {
  test('offsets are exact and every passage fits in 256 word pieces with [CLS]/[SEP]', async () => {
    const text = Array.from({ length: 12 }, (_, p) =>
      Array.from({ length: 9 }, (_, i) => sentence(p * 100 + i)).join(''),
    ).join('\n\n');
    const { doc, chunks: cs } = await chunks(text);
    assert.ok(cs.length > 3, `expected several passages, got ${cs.length}`);
    for (const c of cs) {
      assert.equal(c.text, doc.text.slice(c.start, c.end));
      assert.ok(counter.count(c.text) + 2 <= 256, `passage of ${counter.count(c.text) + 2} pieces`);
    }
    // Nothing is lost: every sentence is inside some passage.
    for (let i = 0; i < 9; i++) assert.ok(cs.some((c) => c.text.includes(`number ${1100 + i} `)));
  });

  test('neighbouring passages overlap a little, and cuts fall at sentence ends', async () => {
    const text = Array.from({ length: 40 }, (_, i) => sentence(i)).join('');
    const { chunks: cs } = await chunks(text);
    assert.ok(cs.length >= 2);
    for (let i = 1; i < cs.length; i++) {
      assert.ok(cs[i].start < cs[i - 1].end, 'no overlap between passages');
      assert.ok(cs[i - 1].end - cs[i].start < cs[i - 1].text.length / 2, 'overlap is not small');
      assert.match(cs[i - 1].text, /\.$/);
    }
  });

  test('Chinese text without spaces is cut at 。！？', async () => {
    const zh = Array.from({ length: 80 }, (_, i) => `这是第${i}个句子，讲述了北极燕鸥的迁徙路线${i % 3 === 0 ? '！' : '。'}`).join('');
    const { chunks: cs } = await chunks(zh);
    assert.ok(cs.length >= 3, `expected several passages, got ${cs.length}`);
    for (const c of cs.slice(0, -1)) {
      assert.match(c.text, /[。！？]$/, `passage does not end at a sentence end: …${c.text.slice(-10)}`);
      assert.ok(counter.count(c.text) + 2 <= 256);
    }
  });

  test('a heading always starts a new passage, and its location names the heading path', async () => {
    const md = '# Guide\n\nIntro text.\n\n## Install\n\nRun the installer.\n\n### Linux\n\nUse the AppImage.\n';
    const { doc, chunks: cs } = await chunks(md, 'md');
    const linux = cs.find((c) => c.text.includes('AppImage'))!;
    assert.equal(linux.location, '§ Guide › Install › Linux');
    assert.ok(linux.text.startsWith('### Linux'));
    assert.equal(cs.find((c) => c.text.includes('installer'))!.location, '§ Guide › Install');
    for (const c of cs) assert.equal(c.text, doc.text.slice(c.start, c.end));
  });

  test('plain text passages are located by line', async () => {
    const { chunks: cs } = await chunks('first line\n\n\n' + 'x '.repeat(250) + '\n\nlast paragraph here');
    assert.equal(cs[0].location, 'line 1');
    assert.equal(cs.at(-1)!.text, 'last paragraph here');
    assert.equal(cs.at(-1)!.location, 'line 6');
  });

  test('a run of text with no spaces or punctuation is cut by characters', async () => {
    const blob = '北极燕鸥迁徙路线'.repeat(120);
    const { doc, chunks: cs } = await chunks(blob);
    assert.ok(cs.length > 1);
    assert.equal(cs.map((c) => c.text).join(''), doc.text);
    for (const c of cs) assert.ok(counter.count(c.text) + 2 <= 256);
  });

  test('whitespace-only text gives no passages', async () => {
    assert.equal((await chunks(' \n\n\t \n')).chunks.length, 0);
  });
});
