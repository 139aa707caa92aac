/**
 * 1,000 malformed or hostile files mixed into a folder of good documents, indexed by the real
 * service with the real model: indexing finishes, every good file is searchable, every bad file is
 * listed with the reason a person should see, and nothing crashes.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EmbeddingEngine } from '../../../src/core/embed/engine';
import { loadTokenCounter } from '../../../src/core/embed/tokenizer';
import type { TokenCounter } from '../../../src/core/embed/types';
import { sharedDocumentExtractor } from '../../../src/core/extract/isolated-extractor';
import type { TroveService } from '../../../src/core/trove-service';
import { createTroveService } from '../../../src/core/service/create-service';
import { tempDir } from '../indexing/helpers';
import { hostileFiles, textPdf, writeHostileFiles, type HostileFile } from './hostile-files';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'documents');
/** Good files and a query that must find each. */
const GOOD: [string, string][] = [
  ['debian-faq-basic-defs.docx', 'how is the name Debian pronounced, Debra and Ian Murdock'],
  ['debian-faq-basic-defs.odt', 'how is the name Debian pronounced, Debra and Ian Murdock'],
  ['debian-faq-basic-defs.rtf', 'how is the name Debian pronounced, Debra and Ian Murdock'],
  ['debian-faq-basic-defs.pptx', 'how is the name Debian pronounced, Debra and Ian Murdock'],
  ['debian-faq-basic-defs.epub', 'how is the name Debian pronounced, Debra and Ian Murdock'],
  ['debian-faq-ftparchives.en.html', 'codenames of Debian releases taken from Toy Story'],
  ['spamassassin-ham-00001.eml', 'exmh pick sequences window error debug log'],
  ['spamassassin-4-messages.mbox', 'Alexander the Great sculpture carved into a mountain'],
  ['lighthouse.pdf', 'the lighthouse keeper counted ships in the storm'],
];

let engine: EmbeddingEngine;
let counter: TokenCounter;
let service: TroveService;
let root: string;
let docs: string;
let bad: HostileFile[];
let elapsedMs = 0;

before(async () => {
  engine = EmbeddingEngine.create();
  counter = await loadTokenCounter();
  root = tempDir('hostile');
  docs = join(root, 'docs');
  mkdirSync(join(docs, 'mixed'), { recursive: true });
  for (const [name] of GOOD) if (name !== 'lighthouse.pdf') cpSync(join(FIXTURES, 'real', name), join(docs, name));
  writeFileSync(
    join(docs, 'lighthouse.pdf'),
    textPdf([
      ['Night one. The lighthouse keeper counted forty-two ships in the storm.', 'He wrote each name in the log book.'],
      ['Night two. The lamp failed at midnight and was mended by dawn.'],
    ]),
  );
  bad = hostileFiles(1000);
  writeHostileFiles(join(docs, 'mixed'), bad);
  service = await createTroveService({ dataDir: join(root, 'data'), embedder: engine, tokenCounter: counter, watch: false });
  const t0 = performance.now();
  await service.addFolder(docs);
  await service.whenIdle();
  elapsedMs = performance.now() - t0;
});
after(async () => {
  await service?.close();
  await engine?.close();
  rmSync(root, { recursive: true, force: true });
});

describe('a folder with 1,000 hostile files among good ones', () => {
  test('indexing finishes with every good file indexed', async () => {
    const status = await service.status();
    assert.equal(status.state, 'idle');
    assert.equal(status.filesIndexed, GOOD.length);
    assert.equal(status.problems, bad.length);
    console.log(`# indexed ${GOOD.length} good + ${bad.length} bad files in ${(elapsedMs / 1000).toFixed(1)} s`);
  });

  test('every bad file is listed with the reason a person should see', async () => {
    const reasons = new Map((await service.problems()).map((p) => [basename(p.path), p.reason]));
    const wrong = bad.filter((f) => !f.reason.test(reasons.get(f.name) ?? '(not listed)')).map((f) => `${f.name}: ${reasons.get(f.name) ?? '(not listed)'}`);
    assert.deepEqual(wrong.slice(0, 10), [], `${wrong.length} files without the expected reason`);
  });

  test('every good file is found by a search for what it says', async () => {
    for (const [name, query] of GOOD) {
      const { hits } = await service.search({ text: query, k: 10 });
      assert.ok(hits.some((h) => h.name === name), `${name} for "${query}": got ${hits.map((h) => h.name).join(', ')}`);
    }
    const { hits } = await service.search({ text: 'lighthouse keeper ships storm', k: 3 });
    assert.equal(hits[0]?.best.location, 'page 1');
  });

  test('no reading process crashed or had to be replaced', () => {
    assert.equal(sharedDocumentExtractor().restarts, 0);
  });
});
