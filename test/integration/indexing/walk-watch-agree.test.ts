/**
 * Issue 12 item 12: the watcher and the full scan judge a path by the same function, so a folder link
 * loop, a named pipe and links leading out of the folder come out the same whether they were created
 * while watching or found by a scan. Real service, real chokidar watching, real links and FIFOs.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EmbeddingEngine } from '../../../src/core/embed/engine';
import { loadTokenCounter } from '../../../src/core/embed/tokenizer';
import type { TokenCounter } from '../../../src/core/embed/types';
import { createTroveService } from '../../../src/core/service/create-service';
import { scifactDocs, tempDir, waitFor, writeDocs } from './helpers';

let engine: EmbeddingEngine;
let counter: TokenCounter;
const root = tempDir('walk-watch');
before(async () => {
  engine = EmbeddingEngine.create();
  counter = await loadTokenCounter();
});
after(async () => {
  await engine.close();
  rmSync(root, { recursive: true, force: true });
});

/** The odd entries, created inside `docs` (which must exist). */
function makeOddEntries(docs: string, outside: string): void {
  mkdirSync(join(docs, 'sub'), { recursive: true });
  symlinkSync(docs, join(docs, 'sub', 'loop')); // a folder link back to an ancestor
  execFileSync('mkfifo', [join(docs, 'pipe.txt')]); // a named pipe with an indexed type
  symlinkSync(join(outside, 'secret.txt'), join(docs, 'secret-link.txt')); // a file link out of the folder
  symlinkSync(outside, join(docs, 'outside-dir')); // a folder link out of the folder
  symlinkSync(join(docs, 'sub'), join(docs, 'sub-again')); // a folder link that stays inside: followed
  writeFileSync(join(docs, 'sub', 'inner.md'), '# Inner\n\nThe ferry to the island leaves at seven every morning.\n');
}

const relative = (docs: string, problems: { path: string; reason: string }[]) =>
  Object.fromEntries(problems.map((p) => [p.path.slice(docs.length + 1), p.reason.replaceAll(docs, '<docs>')]).sort());

test('a scan and the watcher list the same problems for link loops, pipes and links out, and index the same files', async () => {
  const outside = join(root, 'outside');
  mkdirSync(outside);
  writeFileSync(join(outside, 'secret.txt'), 'The submarine captain hid the gold under the old pier.\n');
  const corpus = scifactDocs(4, 80);

  // 1. Watching: the odd entries appear after the folder is added.
  const watched = join(root, 'watched');
  writeDocs(watched, corpus);
  const live = await createTroveService({ dataDir: join(root, 'data-watch'), embedder: engine, tokenCounter: counter, watch: true, debounceMs: 50 });
  await live.addFolder(watched);
  await live.whenIdle();
  makeOddEntries(watched, outside);
  await waitFor('the watcher to see the new entries', async () => (await live.problems()).length >= 5 && (await live.status()).filesIndexed >= corpus.length + 2, 20_000);
  await live.whenIdle();
  const fromWatch = relative(watched, await live.problems());
  const indexedWatch = (await live.status()).filesIndexed;
  const leaked = (await live.search({ text: 'submarine captain gold pier', k: 10 })).hits.filter((h) => h.name.includes('secret'));
  await live.close();

  // 2. Scanning: the same entries already exist when the folder is added.
  const scanned = join(root, 'scanned');
  writeDocs(scanned, corpus);
  makeOddEntries(scanned, outside);
  const scan = await createTroveService({ dataDir: join(root, 'data-scan'), embedder: engine, tokenCounter: counter, watch: false });
  await scan.addFolder(scanned);
  await scan.whenIdle();
  const fromScan = relative(scanned, await scan.problems());
  const indexedScan = (await scan.status()).filesIndexed;
  await scan.close();

  assert.deepEqual(fromWatch, fromScan);
  assert.match(fromScan['sub/loop'] ?? '', /^symbolic link loop \(points back to <docs>\); not followed$/);
  assert.match(fromScan['pipe.txt'] ?? '', /^not a regular file \(a pipe, socket or device\)$/);
  assert.match(fromScan['secret-link.txt'] ?? '', /outside the folder; not followed/);
  assert.match(fromScan['outside-dir'] ?? '', /outside the folder; not followed/);
  assert.match(fromScan['sub-again/loop'] ?? '', /^symbolic link loop/); // the loop seen again through the inside link
  assert.equal(Object.keys(fromScan).length, 5, JSON.stringify(fromScan));
  // The scifact files, sub/inner.md and sub-again/inner.md (the inside link is followed).
  assert.equal(indexedScan, corpus.length + 2);
  assert.equal(indexedWatch, indexedScan);
  assert.deepEqual(leaked, []);
});
