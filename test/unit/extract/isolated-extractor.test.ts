/**
 * Documents are read in a child process with a time and a memory budget: a file over either, or one
 * that kills the reader, is refused with a reason a person understands, and the next file is read.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { locator } from '../../../src/core/chunk/locate';
import { IsolatedExtractor } from '../../../src/core/extract/isolated-extractor';
import { textPdf } from '../../integration/documents/hostile-files';

const FIXTURES = join(import.meta.dirname, '..', '..', 'fixtures', 'documents');
const docx = readFileSync(join(FIXTURES, 'real', 'debian-faq-basic-defs.docx'));
const open: IsolatedExtractor[] = [];
after(async () => {
  for (const x of open) await x.close();
});
function reader(options: ConstructorParameters<typeof IsolatedExtractor>[0] = {}): IsolatedExtractor {
  const x = new IsolatedExtractor(options);
  open.push(x);
  return x;
}

/** A real-looking 50 MB web page, made here rather than committed. */
function fiftyMegabytePage(): Buffer {
  const parts = ['<html><head><title>Big page</title></head><body><h1>Start</h1>'];
  let size = 0;
  for (let i = 0; size < 50 * 1024 * 1024; i++) {
    const p = `<p>Paragraph ${i} of a very long page, with enough words in it to look like prose.</p>\n`;
    parts.push(p);
    size += p.length;
  }
  parts.push('<h2>The end</h2><p>The last sentence of the page is here.</p></body></html>');
  return Buffer.from(parts.join(''));
}

/** HTML nested so deep that the streaming parser needs seconds for it. */
const slowPage = () => Buffer.from('<div>'.repeat(120_000) + 'deep' + '</div>'.repeat(120_000));

describe('isolated document reading', () => {
  test('documents are read in another process, with the same result', async () => {
    const x = reader();
    const doc = await x.extract(docx, 'docx');
    assert.match(doc.text, /The project name is pronounced Deb’-ee-en/);
    assert.equal(doc.sections[0].title, 'Chapter 1. Definitions and overview');
    assert.equal(x.pids.length, 1);
    assert.notEqual(x.pids[0], process.pid);
  });

  const page = fiftyMegabytePage();

  test('a 50 MB web page is read within the default budgets, to its last sentence', async () => {
    const doc = await reader().extract(page, 'html');
    assert.ok(doc.text.startsWith('Big page\n\nStart'));
    assert.ok(doc.text.endsWith('The end\n\nThe last sentence of the page is here.'));
    assert.equal(doc.sections.at(-1)?.title, 'The end');
  });

  test('a 300-page PDF is read page by page within the budgets; every line is kept and located on its page', async () => {
    const pages = Array.from({ length: 300 }, (_, p) => Array.from({ length: 30 }, (_, l) => `Line ${l + 1} of page ${p + 1}: the quick brown fox jumps over the lazy dog, count ${p * 30 + l}.`));
    const doc = await reader().extract(textPdf(pages), 'pdf');
    assert.equal(doc.pageStarts?.length, 300);
    for (const n of [0, 4499, 8999]) assert.ok(doc.text.includes(`dog, count ${n}.`), `line ${n} kept`);
    assert.equal(locator(doc)(doc.text.indexOf('dog, count 6017.')), 'page 201');
  });

  test('a file that needs more memory than the budget is abandoned with that reason; the next file is read', async () => {
    const x = reader({ memoryMb: 160 });
    await assert.rejects(x.extract(page, 'html'), { name: 'ExtractionRefused', message: 'needed more than 160 MB to read' });
    assert.equal(x.restarts, 1);
    assert.match((await x.extract(docx, 'docx')).text, /Definitions and overview/);
  });

  test('a file that takes longer than the time budget is abandoned with that reason; the next file is read', async () => {
    const x = reader({ timeoutMs: 1000 });
    await x.extract(docx, 'docx'); // the reader is up, so the budget measures reading, not starting
    const before = x.pids[0];
    const t0 = performance.now();
    await assert.rejects(x.extract(slowPage(), 'html'), { name: 'ExtractionRefused', message: 'took longer than 1 s to read' });
    assert.ok(performance.now() - t0 < 5000, 'abandoned soon after the budget');
    assert.match((await x.extract(docx, 'docx')).text, /Definitions and overview/);
    assert.notEqual(x.pids[0], before, 'the stuck process was replaced');
  });

  test('a reader that dies mid-file is reported as a crash on that file; the next file is read', async () => {
    const x = reader();
    await x.extract(docx, 'docx');
    const pending = x.extract(slowPage(), 'html');
    await new Promise((r) => setTimeout(r, 300));
    process.kill(x.pids[0], 'SIGKILL');
    await assert.rejects(pending, /the document reader crashed on this file \(SIGKILL\)/);
    assert.match((await x.extract(docx, 'docx')).text, /Definitions and overview/);
  });

  test('files queued behind a bad one are all read, in order', async () => {
    const x = reader({ timeoutMs: 1000 });
    const results = await Promise.allSettled([x.extract(docx, 'docx'), x.extract(slowPage(), 'html'), x.extract(docx, 'docx'), x.extract(Buffer.from('junk'), 'pdf')]);
    assert.deepEqual(
      results.map((r) => (r.status === 'fulfilled' ? 'read' : (r.reason as Error).message)),
      ['read', 'took longer than 1 s to read', 'read', 'not a PDF (no %PDF header)'],
    );
  });

  test('a reader that cannot start is reported as such, not as a fault of the file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'trove-broken-reader-'));
    const script = join(dir, 'broken-worker.mjs');
    writeFileSync(script, "import 'a-module-that-is-not-installed';\n");
    try {
      const x = reader({ workerScript: script });
      await assert.rejects(x.extract(docx, 'docx'), /^ExtractionRefused: the document reader could not start \(.*a-module-that-is-not-installed/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
