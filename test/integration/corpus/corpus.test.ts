/**
 * The Corpus keeps SQLite and the in-memory vectors in step: whatever sequence of writes, copies,
 * moves, failures and deletions happens, what a search finds now is what it finds after a restart.
 * Real SQLite files; vectors are random unit vectors (the model is not what is under test here).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Corpus } from '../../../src/core/corpus/corpus';
import { IndexStore } from '../../../src/core/store/index-store';

const DIM = 16;
const KEY = { modelId: 'test-model', dimension: DIM, pipelineVersion: 1 };
let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5;
function unit(): Float32Array {
  const v = Float32Array.from({ length: DIM }, rand);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}
const chunks = (n: number) => Array.from({ length: n }, (_, i) => ({ start: i * 10, end: i * 10 + 9, location: null, text: `passage ${i}`, vector: unit() }));

describe('Corpus', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trove-corpus-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('answers the same searches before and after a restart, through writes, copies, moves and removals', () => {
    const dbFile = join(dir, 'index.sqlite');
    const store = new IndexStore(dbFile);
    const corpus = Corpus.open(store, KEY);
    const folder = corpus.addFolder('/docs');
    const facts = (path: string) => ({ folderId: folder.id, path, size: 1, mtimeMs: 1, contentHash: path });
    corpus.writeFile(facts('/docs/a.txt'), chunks(3));
    corpus.writeFile(facts('/docs/b.txt'), chunks(2));
    corpus.writeFile(facts('/docs/a.txt'), chunks(4)); // re-indexed: the old passages must not linger
    const b = store.fileByPath('/docs/b.txt')!;
    corpus.copyFile(facts('/docs/b-copy.txt'), b);
    corpus.hide(b.id); // deleted on disk ... then seen again under a new name
    corpus.moveFile(b.id, facts('/docs/b-moved.txt'));
    corpus.writeFile(facts('/docs/c.txt'), chunks(2));
    assert.equal(corpus.writeFailed(facts('/docs/c.txt'), 'unreadable'), true);
    corpus.writeFile(facts('/docs/d.txt'), chunks(1));
    corpus.deleteFile('/docs/d.txt');

    assert.equal(corpus.size, 4 + 2 + 2, 'a (4) + b-copy (2) + b-moved (2)');
    assert.equal(corpus.fileCount, 3);
    const queries = Array.from({ length: 20 }, unit);
    // A copy scores exactly like its source, so compare each query's passages and scores as a sorted list.
    const ranked = (c: Corpus) =>
      queries.map((q) =>
        c
          .nearestFiles(q, 3, 4)
          .flat()
          .map((s) => `${s.score.toFixed(6)} file ${s.fileId} passage ${s.chunkId}`)
          .sort(),
      );
    const live = ranked(corpus);
    store.close();

    const reopened = Corpus.open(new IndexStore(dbFile), KEY);
    assert.deepEqual(ranked(reopened), live);
    assert.equal(reopened.size, corpus.size);
    reopened.store.close();
  });

  it('drops a removed folder from search at once and for good', () => {
    const dbFile = join(dir, 'folders.sqlite');
    const corpus = Corpus.open(new IndexStore(dbFile), KEY);
    const keep = corpus.addFolder('/keep');
    const gone = corpus.addFolder('/gone');
    corpus.writeFile({ folderId: keep.id, path: '/keep/x.txt', size: 1, mtimeMs: 1, contentHash: 'x' }, chunks(2));
    corpus.writeFile({ folderId: gone.id, path: '/gone/y.txt', size: 1, mtimeMs: 1, contentHash: 'y' }, chunks(3));
    assert.equal(corpus.removeFolder('/gone'), 1);
    assert.equal(corpus.size, 2);
    corpus.store.close();
    const reopened = Corpus.open(new IndexStore(dbFile), KEY);
    assert.equal(reopened.size, 2);
    reopened.store.close();
  });
});
