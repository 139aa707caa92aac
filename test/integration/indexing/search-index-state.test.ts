/**
 * After a crash leaves the saved vector file out of date, a big index is read back from SQLite while
 * the app runs: status() says so, searches answer, then it is whole and the file is saved again so
 * the next start reads it. Real model, real SQLite, real documents; "big" is lowered to 1 passage.
 */
import assert from 'node:assert/strict';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EmbeddingEngine } from '../../../src/core/embed/engine';
import { loadTokenCounter } from '../../../src/core/embed/tokenizer';
import type { TokenCounter } from '../../../src/core/embed/types';
import { createTroveService } from '../../../src/core/service/create-service';
import { scifactDocs, tempDir, waitFor, writeDocs } from './helpers';

let engine: EmbeddingEngine;
let counter: TokenCounter;
const root = tempDir('search-index-state');
before(async () => {
  engine = EmbeddingEngine.create();
  counter = await loadTokenCounter();
});
after(async () => {
  await engine.close();
  rmSync(root, { recursive: true, force: true });
});

test('a stale vector file: loaded from SQLite in the background, status() says so, searches answer, then the file is saved again', async () => {
  const docs = join(root, 'docs');
  const data = join(root, 'data');
  const corpus = scifactDocs(30);
  writeDocs(docs, corpus);
  const open = () => createTroveService({ dataDir: data, embedder: engine, tokenCounter: counter, watch: false, backgroundLoadFrom: 1 });
  const first = await open();
  await first.addFolder(docs);
  await first.whenIdle();
  const passages = (await first.status()).chunksIndexed;
  const expected = (await first.search({ text: corpus[7].title, k: 3 })).hits[0]?.name;
  await first.close();
  const vectorFile = () => readdirSync(data).filter((f) => f.endsWith('.vectors'));
  assert.equal(vectorFile().length, 1, 'saved at close');
  rmSync(join(data, vectorFile()[0])); // as if the process had died before saving

  const second = await open();
  const status = await second.status();
  assert.deepEqual(status.searchIndex && { state: status.searchIndex.state, total: status.searchIndex.total }, { state: 'loading', total: passages });
  await waitFor('the index to be loaded', async () => (await second.status()).searchIndex?.state === 'ready');
  assert.equal((await second.search({ text: corpus[7].title, k: 3 })).hits[0]?.name, expected);
  assert.equal(vectorFile().length, 1, 'saved again once loaded');
  await second.close();
});
