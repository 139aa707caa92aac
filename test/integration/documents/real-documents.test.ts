/**
 * A folder with one real file of every format, indexed by the real service with the real model:
 * everything is indexed, and searches land on the page of the PDF, the heading of the DOCX and the
 * chapter of the EPUB where the sentence is.
 */
import assert from 'node:assert/strict';
import { cpSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EmbeddingEngine } from '../../../src/core/embed/engine';
import { loadTokenCounter } from '../../../src/core/embed/tokenizer';
import type { TokenCounter } from '../../../src/core/embed/types';
import type { TroveService } from '../../../src/core/trove-service';
import { createTroveService } from '../../../src/core/service/create-service';
import type { SearchHit } from '../../../src/shared/types';
import { tempDir } from '../indexing/helpers';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'documents');
let engine: EmbeddingEngine;
let counter: TokenCounter;
let service: TroveService;
let root: string;
let docs: string;

before(async () => {
  engine = EmbeddingEngine.create();
  counter = await loadTokenCounter();
  root = tempDir('documents');
  docs = join(root, 'docs');
  cpSync(join(FIXTURES, 'real'), docs, { recursive: true });
  for (const f of ['chinese-gbk.txt', 'japanese-shift-jis.txt']) cpSync(join(FIXTURES, 'generated', f), join(docs, f));
  service = await createTroveService({ dataDir: join(root, 'data'), embedder: engine, tokenCounter: counter, watch: false });
  await service.addFolder(docs);
  await service.whenIdle();
});
after(async () => {
  await service?.close();
  await engine?.close();
  rmSync(root, { recursive: true, force: true });
});

async function hitFor(query: string, name: string): Promise<SearchHit> {
  const { hits } = await service.search({ text: query, k: 20 });
  const hit = hits.find((h) => h.name === name);
  assert.ok(hit, `${name} is among the results for "${query}" (got ${hits.map((h) => h.name).join(', ')})`);
  return hit;
}

describe('a folder of real documents', () => {
  test('every file of every format is indexed, none is a problem', async () => {
    const problems = await service.problems();
    assert.deepEqual(problems.map((p) => `${p.path}: ${p.reason}`), []);
    assert.equal((await service.status()).filesIndexed, readdirSync(docs).length);
  });

  test('a sentence on page 12 of the PDF is found on page 12', async () => {
    const { hits } = await service.search({ text: 'There must be no subdirectories in /bin', k: 5 });
    assert.equal(hits[0]?.name, 'fhs-3.0.pdf');
    assert.equal(hits[0].best.location, 'page 12');
    const preview = await service.preview(hits[0].path, hits[0].best.start, hits[0].best.end);
    assert.equal(preview.location, 'page 12');
    assert.match(preview.text, /There must be no subdirectories in \/bin\./);
  });

  test('a passage under a DOCX heading carries the heading path', async () => {
    const hit = await hitFor('how is the name Debian pronounced, Debra and Ian Murdock', 'debian-faq-basic-defs.docx');
    assert.equal(hit.best.location, '§ Chapter 1. Definitions and overview › 1.7. How does one pronounce Debian and what does this word mean?');
  });

  test('a passage in an EPUB carries its chapter', async () => {
    const hit = await hitFor('how is the name Debian pronounced, Debra and Ian Murdock', 'debian-faq-basic-defs.epub');
    assert.equal(hit.best.location, '§ 1.7. How does one pronounce Debian and what does this word mean?');
  });

  test('ODT and RTF headings are locations as well', async () => {
    for (const name of ['debian-faq-basic-defs.odt', 'debian-faq-basic-defs.rtf']) {
      const hit = await hitFor('how is the name Debian pronounced, Debra and Ian Murdock', name);
      assert.equal(hit.best.location, '§ Chapter 1. Definitions and overview › 1.7. How does one pronounce Debian and what does this word mean?', name);
    }
  });

  test('slides, messages and web-page headings are located too', async () => {
    assert.equal((await hitFor('how is the name Debian pronounced, Debra and Ian Murdock', 'debian-faq-basic-defs.pptx')).best.location, '§ slide 8: 1.7. How does one pronounce Debian and what does this word mean?');
    assert.equal((await hitFor('Moscow bomber', 'spamassassin-4-messages.mbox')).best.location, '§ message 2: [zzzzteana] Moscow bomber');
    assert.match((await hitFor('codenames of Debian releases taken from Toy Story', 'debian-faq-ftparchives.en.html')).best.location ?? '', /^§ Chapter 6\. The Debian archives › 6\.2\./);
  });

  test('Chinese (GBK) and Japanese (Shift-JIS) files are searchable', async () => {
    assert.ok((await hitFor('本地语义搜索', 'chinese-gbk.txt')).best.text.includes('。'));
    assert.ok((await hitFor('ローカルの意味検索', 'japanese-shift-jis.txt')).best.text.includes('。'));
  });
});
