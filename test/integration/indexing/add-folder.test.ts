/**
 * Adding folders with the real service on real folders: a drive root must not slip past the overlap
 * check, and a whole drive or home folder is only indexed after the user has seen an estimate.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EmbeddingEngine } from '../../../src/core/embed/engine';
import { loadTokenCounter } from '../../../src/core/embed/tokenizer';
import type { TroveService } from '../../../src/core/trove-service';
import { createTroveService } from '../../../src/core/service/create-service';
import { scifactDocs, tempDir, writeDocs } from './helpers';

let engine: EmbeddingEngine;
let service: TroveService;
const root = tempDir('add-folder');

before(async () => {
  engine = EmbeddingEngine.create();
  service = await createTroveService({ dataDir: join(root, 'data'), embedder: engine, tokenCounter: await loadTokenCounter(), watch: false });
});
after(async () => {
  await service.close();
  await engine.close();
  rmSync(root, { recursive: true, force: true });
});

test('a whole drive or home folder is refused until confirmed, with an estimate of what it holds', async () => {
  await assert.rejects(service.addFolder('/'), (err: Error) => {
    assert.equal(err.name, 'ConfirmationNeededError');
    assert.match(err.message, /^\/ is a whole drive: (at least )?[\d,]+ files \([\d.]+ [MG]B\) to index; confirm/);
    return true;
  });
  await assert.rejects(service.addFolder(homedir()), /is your whole home folder/);
  assert.deepEqual(await service.listFolders(), []);
  const home = await service.estimateFolder(homedir());
  assert.equal(home.broad, 'home');
});

test('the estimate of an ordinary folder counts its files and is not broad', async () => {
  const docs = join(root, 'docs');
  writeDocs(docs, scifactDocs(12));
  const e = await service.estimateFolder(docs);
  assert.deepEqual({ files: e.files, complete: e.complete, broad: e.broad }, { files: 12, complete: true, broad: null });
  assert.ok(e.bytes > 12 * 200, `${e.bytes} bytes`);
});

test('"/" overlaps an indexed folder even when confirmed, and is not added', async () => {
  const docs = join(root, 'docs');
  await service.addFolder(docs);
  await service.whenIdle();
  await assert.rejects(service.addFolder('/', { confirmBroad: true }), /overlaps the indexed folder/);
  assert.deepEqual((await service.listFolders()).map((f) => f.path), [docs]);
  assert.equal((await service.status()).filesIndexed, 12);
});
