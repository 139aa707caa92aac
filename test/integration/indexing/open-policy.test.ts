/**
 * Issue 12 item 2: the desktop may open only files that are in the index, runs no program or script
 * (it shows them in the file manager instead), and a link leading out of a folder is neither indexed,
 * previewed nor opened. Real service, real model, real files, links and permission bits.
 */
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EmbeddingEngine } from '../../../src/core/embed/engine';
import { loadTokenCounter } from '../../../src/core/embed/tokenizer';
import type { TroveService } from '../../../src/core/trove-service';
import { createTroveService } from '../../../src/core/service/create-service';
import { scifactDocs, tempDir, writeDocs } from './helpers';

let engine: EmbeddingEngine;
let service: TroveService;
const root = tempDir('open-policy');
const docs = join(root, 'docs');
const outside = join(root, 'outside');
const corpus = scifactDocs(6, 40);

before(async () => {
  writeDocs(docs, corpus);
  mkdirSync(join(docs, '.git', 'hooks'), { recursive: true });
  writeFileSync(join(docs, '.git', 'hooks', 'post-checkout'), '#!/bin/sh\necho pwned > /tmp/pwned\n');
  chmodSync(join(docs, '.git', 'hooks', 'post-checkout'), 0o755);
  writeFileSync(join(docs, 'evil.exe'), Buffer.from('MZ\x90\x00 not really a program'));
  writeFileSync(join(docs, 'deploy.sh'), '#!/bin/sh\n# Deploy the lighthouse log book service to the staging server\nrsync -a build/ staging:/srv/logbook\n');
  writeFileSync(join(docs, 'notes.md'), '# Garden notes\n\nThe tomatoes need water every morning while the weather is hot.\n');
  writeFileSync(join(docs, 'runme.md'), '# Tool\n\nThis markdown file has its execute bit set, so an opener might run it.\n');
  chmodSync(join(docs, 'runme.md'), 0o755);
  mkdirSync(outside);
  writeFileSync(join(outside, 'diary.txt'), 'Private diary: the submarine captain hid the gold under the old pier.\n');
  symlinkSync(join(outside, 'diary.txt'), join(docs, 'diary-link.txt'));
  symlinkSync(join(docs, 'notes.md'), join(docs, 'notes-link.md'));
  engine = EmbeddingEngine.create();
  service = await createTroveService({ dataDir: join(root, 'data'), embedder: engine, tokenCounter: await loadTokenCounter(), watch: false });
  await service.addFolder(docs);
  await service.whenIdle();
});
after(async () => {
  await service.close();
  await engine.close();
  rmSync(root, { recursive: true, force: true });
});

test('only indexed files may be opened or revealed: not ignored files, not unindexed types, not paths outside', async () => {
  const refusals: [string, RegExp][] = [
    [join(docs, '.git', 'hooks', 'post-checkout'), /not in the index/],
    [join(docs, 'evil.exe'), /not in the index/],
    [join(docs, 'missing.txt'), /does not exist/],
    [join(docs, '..', 'outside', 'diary.txt'), /not inside an indexed folder/],
    ['/etc/passwd', /not inside an indexed folder/],
  ];
  for (const [path, why] of refusals) {
    await assert.rejects(service.resolveForDesktop(path, 'open'), why, `open ${path}`);
    await assert.rejects(service.resolveForDesktop(path, 'reveal'), why, `reveal ${path}`);
  }
  const names = { notFound: 'NotFoundError', outside: 'OutsideFoldersError', notIndexed: 'NotIndexedError' };
  await assert.rejects(service.resolveForDesktop(join(docs, 'evil.exe'), 'open'), { name: names.notIndexed });
  await assert.rejects(service.resolveForDesktop(join(docs, 'missing.txt'), 'open'), { name: names.notFound });
  await assert.rejects(service.resolveForDesktop('/etc/passwd', 'open'), { name: names.outside });
});

test('documents open; scripts and files with an execute bit are shown in the file manager instead of run', async () => {
  assert.deepEqual(await service.resolveForDesktop(join(docs, 'notes.md'), 'open'), { path: join(docs, 'notes.md'), action: 'open' });
  assert.deepEqual(await service.resolveForDesktop(join(docs, `${corpus[0].id}.txt`), 'open'), { path: join(docs, `${corpus[0].id}.txt`), action: 'open' });
  assert.equal((await service.resolveForDesktop(join(docs, 'deploy.sh'), 'open')).action, 'reveal');
  assert.equal((await service.resolveForDesktop(join(docs, 'runme.md'), 'open')).action, 'reveal');
  assert.equal((await service.resolveForDesktop(join(docs, 'notes.md'), 'reveal')).action, 'reveal');
});

test('a link leading out of the folder is not indexed, searched, previewed or opened, and is listed with the reason', async () => {
  const link = join(docs, 'diary-link.txt');
  const { hits } = await service.search({ text: 'submarine captain hid the gold under the pier', k: 10 });
  assert.ok(!hits.some((h) => h.name === 'diary-link.txt' || h.path.startsWith(outside)), hits.map((h) => h.path).join(', '));
  const problem = (await service.problems()).find((p) => p.path === link);
  assert.match(problem?.reason ?? '(not listed)', /outside the folder; not followed/);
  await assert.rejects(service.preview(link, 0, 10), { name: 'OutsideFoldersError', message: /leads outside the indexed folder/ });
  await assert.rejects(service.resolveForDesktop(link, 'open'), { name: 'OutsideFoldersError' });
});

test('a link to a file inside the folder is previewed under the path it was indexed as, and that path opens', async () => {
  const link = join(docs, 'notes-link.md');
  const hit = (await service.search({ text: 'tomatoes need water every morning', k: 10 })).hits.find((h) => h.path === link);
  assert.ok(hit, 'the link inside the folder is indexed');
  const preview = await service.preview(link, hit.best.start, hit.best.end);
  assert.equal(preview.path, link);
  assert.deepEqual(await service.resolveForDesktop(preview.path, 'open'), { path: join(docs, 'notes.md'), action: 'open' });
});
