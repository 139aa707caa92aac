/**
 * Files deleted while their batch is in the embedding process must not be written when the vectors come
 * back (issue 12 item 1): they stayed indexed, and were the top hits for their own text, until the next
 * start. Real files in a watched folder, the real watcher, indexer and SQLite, the real model in its own
 * process. The only thing added is a gate in front of that process: the batch's vectors are held back
 * until the indexer has been told of every deletion, so the race happens on every run instead of only
 * when the model is slower than the watcher.
 */
import assert from 'node:assert/strict';
import { rmSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { EmbedderProcess } from '../../../src/core/embed/embedder-process';
import { loadTokenCounter } from '../../../src/core/embed/tokenizer';
import type { EncodeOptions, Embedder } from '../../../src/core/embed/types';
import { createTroveEngine } from '../../../src/core/service/create-service';
import { scifactDocs, tempDir, waitFor, writeDocs } from './helpers';

const root = tempDir('delete-embedding');
after(() => rmSync(root, { recursive: true, force: true }));

/** The real embedding process, with passages' vectors held until `open()` is called. */
function gated(inner: EmbedderProcess) {
  let open!: () => void;
  const gate = new Promise<void>((r) => (open = r));
  let held = 0; // passages held back
  let arrived!: () => void;
  const firstHeld = new Promise<void>((r) => (arrived = r));
  const embedder: Embedder = {
    get modelId() {
      return inner.modelId;
    },
    get dimension() {
      return inner.dimension;
    },
    get maxSeqLength() {
      return inner.maxSeqLength;
    },
    get similarity() {
      return inner.similarity;
    },
    async encode(texts: string[], options?: EncodeOptions) {
      const vectors = await inner.encode(texts, options);
      if (options?.role === 'passage') {
        held += texts.length;
        arrived();
        await gate;
      }
      return vectors;
    },
    close: () => inner.close(),
  };
  return { embedder, open, firstHeld, held: () => held };
}

test('files deleted while their batch is being embedded do not stay indexed or searchable', async () => {
  const docsDir = join(root, 'docs');
  const inner = await EmbedderProcess.start();
  const { embedder, open, firstHeld, held } = gated(inner);
  const trove = await createTroveEngine({
    dataDir: join(root, 'data'),
    embedder,
    tokenCounter: await loadTokenCounter(),
    watch: true,
    debounceMs: 100,
  });
  const service = trove.service;
  writeDocs(docsDir, []);
  await service.addFolder(docsDir);
  await service.whenIdle();

  const { indexer, corpus } = trove;
  const removalsSeen = new Set<string>();
  const enqueueRemoval = indexer.enqueueRemoval.bind(indexer);
  indexer.enqueueRemoval = (job) => {
    removalsSeen.add(job.path);
    enqueueRemoval(job);
  };

  // 64 new files arrive in the watched folder. Indexing is paused until the watcher has queued them all,
  // so the first batch is a full one (16 files) as when a folder fills faster than the model embeds.
  await service.pause();
  const docs = scifactDocs(64, 2000);
  const paths = [...writeDocs(docsDir, docs).values()];
  await waitFor('the watcher to queue the new files', () => indexer.queued === paths.length, 30_000);
  await service.resume();
  await firstHeld;
  assert.equal(corpus.counts().files, 0, 'nothing is written before its vectors are back');

  // All of them are deleted while that batch is in the embedding process.
  for (const p of paths) unlinkSync(p);
  await waitFor('the watcher to report every deletion to the indexer', () => paths.every((p) => removalsSeen.has(p)), 30_000);
  open();
  await service.whenIdle();

  assert.ok(held() >= 16, `only ${held()} passages were being embedded when the files were deleted`);
  const left = paths.filter((p) => corpus.fileAt(p));
  assert.deepEqual(left, [], `${left.length} deleted files are still in the index`);
  assert.equal((await service.status()).filesIndexed, 0);
  const { hits } = await service.search({ text: docs[0].title, k: 10 });
  assert.deepEqual(hits.map((h) => h.name), [], 'a deleted file is still found by a search for its text');

  await service.close();
  await inner.close();
});
