/** Watch mode with the real model: edits, deletes and renames reach search; the watch-limit fallback. */
import assert from 'node:assert/strict';
import { renameSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { EmbeddingEngine } from '../../../src/core/embed/engine';
import { loadTokenCounter } from '../../../src/core/embed/tokenizer';
import { createTroveEngine, type TroveEngine } from '../../../src/core/service/create-service';
import { DEFAULT_SETTINGS } from '../../../src/core/settings';
import { FolderRules } from '../../../src/core/sources/folder-rules';
import type { TroveService } from '../../../src/core/trove-service';
import { FolderWatcher } from '../../../src/core/watch/folder-watcher';
import { scifactDocs, tempDir, waitFor, writeDocs } from './helpers';

const root = tempDir('watch');
let engine: EmbeddingEngine;
let service: TroveService;
let trove: TroveEngine;
const docs = scifactDocs(20, 500);
let paths: Map<string, string>;

before(async () => {
  engine = EmbeddingEngine.create();
  paths = writeDocs(join(root, 'docs'), docs);
  trove = await createTroveEngine({
    dataDir: join(root, 'data'),
    embedder: engine,
    tokenCounter: await loadTokenCounter(),
    watch: true,
    debounceMs: 100,
  });
  service = trove.service;
  await service.addFolder(join(root, 'docs'));
  await service.whenIdle();
});
after(async () => {
  await service.close();
  await engine.close();
  rmSync(root, { recursive: true, force: true });
});

const names = async (text: string, k = 20) => (await service.search({ text, k })).hits.map((h) => h.name);

describe('watching a folder', () => {
  test('the folder is watched natively', async () => {
    const [folder] = await service.listFolders();
    assert.equal(folder.watching, 'native');
    assert.equal(folder.files, docs.length);
  });

  test('an edit is found and the old text is gone', async () => {
    const doc = docs[4];
    const name = `${doc.id}.txt`;
    assert.equal((await names(doc.title, 1))[0], name);
    writeFileSync(paths.get(doc.id)!, 'Axolotls regrow whole limbs after amputation.\n\nSalamander limb regeneration needs nerve signals.');
    await waitFor('the edit to be searchable', async () => (await names('how do axolotls regenerate limbs', 1))[0] === name);
    const { hits } = await service.search({ text: doc.title, k: 20 });
    const stale = hits.find((h) => h.name === name && [h.best, ...h.more].some((p) => p.text.includes(doc.title)));
    assert.equal(stale, undefined, 'the old text of an edited file is still in the results');
  });

  test('a deleted file is gone from results', async () => {
    const doc = docs[6];
    unlinkSync(paths.get(doc.id)!);
    await waitFor('the deleted file to leave the results', async () => !(await names(doc.title)).includes(`${doc.id}.txt`));
    await service.whenIdle();
    assert.equal((await service.status()).filesIndexed, docs.length - 1);
  });

  test('a renamed file keeps its vectors: found under the new name without being embedded again', async () => {
    const doc = docs[9];
    const { indexer } = trove;
    const embeddedBefore = indexer.totals.embedded;
    const newPath = join(root, 'docs', 'renamed-abstract.txt');
    renameSync(paths.get(doc.id)!, newPath);
    await waitFor('the renamed file to be found', async () => (await names(doc.title, 1))[0] === 'renamed-abstract.txt');
    await service.whenIdle();
    assert.equal(indexer.totals.embedded, embeddedBefore, 'the renamed file was embedded again');
    assert.ok(!(await names(doc.title)).includes(`${doc.id}.txt`));
    assert.equal((await service.status()).filesIndexed, docs.length - 1);
  });
});

test('when the OS watch limit is hit, the folder falls back to polling, says what to do, and still sees changes', async () => {
  const dir = tempDir('watch-limit');
  const seen: string[] = [];
  let warning = '';
  const watcher = new FolderWatcher(dir, new FolderRules(dir, DEFAULT_SETTINGS), {
    debounceMs: 50,
    onChanges: (c) => seen.push(...c.keys()),
    onFallback: (w) => (warning = w),
  });
  try {
    await watcher.start();
    assert.equal(watcher.mode, 'native');
    // What chokidar reports when inotify's max_user_watches is exhausted.
    const err = Object.assign(new Error('ENOSPC: System limit for number of file watchers reached'), { code: 'ENOSPC' });
    watcher.raw!.emit('error', err);
    await waitFor('the polling fallback', () => watcher.mode === 'polling' && warning !== '');
    assert.match(warning, /max_user_watches/);
    writeFileSync(join(dir, 'new-note.md'), '# hello');
    await waitFor('polling to notice a new file', () => seen.includes(join(dir, 'new-note.md')), 30_000);
  } finally {
    await watcher.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
