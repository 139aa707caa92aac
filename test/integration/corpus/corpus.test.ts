/**
 * The Corpus keeps SQLite and the in-memory vectors in step: whatever sequence of writes, copies,
 * moves, failures and deletions happens, what a search finds now is what it finds after a restart.
 * Real SQLite files; vectors are random unit vectors (the model is not what is under test here).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { Corpus } from '../../../src/core/corpus/corpus';
import { IndexStore } from '../../../src/core/store/index-store';

/** The store a test opened the corpus on (Corpus keeps it private): to close it without saving, as a killed process would. */
const storeOf = (c: Corpus) => (c as unknown as { store: IndexStore }).store;

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
    const b = corpus.fileAt('/docs/b.txt')!;
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
    storeOf(reopened).close();
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
    storeOf(corpus).close();
    const reopened = Corpus.open(new IndexStore(dbFile), KEY);
    assert.equal(reopened.size, 2);
    storeOf(reopened).close();
  });


  it('loads a big index from SQLite in the background: searches answer from what is loaded, writes meanwhile are kept, and the end equals a full load', async () => {
    const dbFile = join(dir, 'background.sqlite');
    const corpus = Corpus.open(new IndexStore(dbFile), KEY);
    const folder = corpus.addFolder('/docs');
    const facts = (path: string) => ({ folderId: folder.id, path, size: 1, mtimeMs: 1, contentHash: path });
    for (let i = 0; i < 1600; i++) corpus.writeFile(facts(`/docs/${i}.txt`), chunks(2));
    storeOf(corpus).close(); // no save: the next open reads SQLite
    rmSync(`${dbFile}.set-1.vectors`, { force: true });

    const bg = Corpus.open(new IndexStore(dbFile), KEY, { backgroundFrom: 3000 });
    const first = bg.searchIndex;
    assert.deepEqual(first.loading, { done: 0, total: 3200 });
    assert.equal(bg.nearestPassages(unit(), 5).length, 0, 'nothing loaded yet, and no error');
    // Meanwhile: a new file, a file rewritten, one deleted and one hidden — all beyond the first page.
    bg.writeFile(facts('/docs/new.txt'), chunks(3));
    bg.writeFile(facts('/docs/1500.txt'), chunks(1));
    bg.deleteFile('/docs/1501.txt');
    const hidden = bg.fileAt('/docs/1502.txt')!;
    bg.hide(hidden.id);
    await new Promise((r) => setImmediate(r));
    const partway = bg.searchIndex;
    assert.ok(partway.loading && partway.passages > 0 && partway.passages < 3200, `partly loaded: ${JSON.stringify(partway)}`);
    assert.ok(bg.nearestPassages(unit(), 5).length === 5, 'searches answer from what is loaded');
    await bg.ready;
    assert.equal(bg.searchIndex.loading, null);
    assert.equal(bg.isSearchable(hidden.id), false, 'hidden before its page came: still hidden');
    assert.equal(bg.size, 3200 + 3 - 1 - 2 - 2);
    bg.touchFile(hidden.id, 1, 2); // seen again
    const queries = Array.from({ length: 10 }, unit);
    const all = (c: Corpus) => queries.map((q) => c.nearestPassages(q, 100000).map((h) => `${h.chunkId}:${h.score.toFixed(6)}`));
    const live = all(bg);
    assert.equal(bg.persist(), true);
    storeOf(bg).close();
    rmSync(`${dbFile}.set-1.vectors`, { force: true });
    const full = Corpus.open(new IndexStore(dbFile), KEY);
    assert.deepEqual(all(full), live);
    storeOf(full).close();
  });

  it('removes a folder from an index answered by its graph (rows moved inside it are ones still stored)', () => {
    const dbFile = join(dir, 'graph-folders.sqlite');
    const corpus = Corpus.open(new IndexStore(dbFile), KEY, { graphFrom: 100 });
    const keep = corpus.addFolder('/keep');
    const gone = corpus.addFolder('/gone');
    // Interleaved, so removing /gone moves /keep rows into its holes and /gone rows toward them.
    for (let i = 0; i < 120; i++) {
      corpus.writeFile({ folderId: keep.id, path: `/keep/${i}.txt`, size: 1, mtimeMs: 1, contentHash: `k${i}` }, chunks(2));
      corpus.writeFile({ folderId: gone.id, path: `/gone/${i}.txt`, size: 1, mtimeMs: 1, contentHash: `g${i}` }, chunks(2));
    }
    (corpus as unknown as { index: { finishGraph(): void } }).index.finishGraph();
    assert.equal(corpus.searchIndex.graph, 'ready');
    assert.equal(corpus.removeFolder('/gone'), 120);
    assert.equal(corpus.size, 240);
    const queries = Array.from({ length: 10 }, unit);
    const all = (c: Corpus) => queries.map((q) => c.nearestPassages(q, 100000).map((h) => `${h.chunkId}:${h.score.toFixed(6)}`));
    const live = all(corpus);
    storeOf(corpus).close();
    rmSync(`${dbFile}.set-1.vectors`, { force: true });
    const rebuilt = Corpus.open(new IndexStore(dbFile), KEY);
    assert.deepEqual(all(rebuilt), live);
    storeOf(rebuilt).close();
  });
  describe('the vector file saved beside the database', () => {
    const ranked = (c: Corpus, queries: Float32Array[]) => queries.map((q) => c.nearestFiles(q, 3, 4).flat().map((s) => `${s.score.toFixed(6)} file ${s.fileId} passage ${s.chunkId}`));
    const queries = Array.from({ length: 20 }, unit);
    function build(name: string): { dbFile: string; corpus: Corpus; facts: (p: string) => { folderId: number; path: string; size: number; mtimeMs: number; contentHash: string } } {
      const dbFile = join(dir, name);
      const corpus = Corpus.open(new IndexStore(dbFile), KEY);
      const folder = corpus.addFolder('/docs');
      const facts = (path: string) => ({ folderId: folder.id, path, size: 1, mtimeMs: 1, contentHash: path });
      for (let i = 0; i < 30; i++) corpus.writeFile(facts(`/docs/${i}.txt`), chunks(1 + (i % 4)));
      corpus.deleteFile('/docs/3.txt');
      return { dbFile, corpus, facts };
    }
    const fromDatabase = (dbFile: string) => {
      rmSync(new IndexStore(dbFile).sets.vectorFile(1)!, { force: true });
      const c = Corpus.open(new IndexStore(dbFile), KEY);
      assert.equal(c.loaded.from, 'database');
      return c;
    };

    it('starts from the file after a clean close, with the answers SQLite gives', () => {
      const { dbFile, corpus } = build('saved.sqlite');
      const live = ranked(corpus, queries);
      corpus.close();
      storeOf(corpus).close();
      const reopened = Corpus.open(new IndexStore(dbFile), KEY);
      assert.equal(reopened.loaded.from, 'vector file');
      assert.deepEqual(ranked(reopened, queries), live);
      assert.equal(reopened.size, corpus.size);
      storeOf(reopened).close();
      const rebuilt = fromDatabase(dbFile);
      assert.deepEqual(ranked(rebuilt, queries), live, 'the file holds what the database holds');
      storeOf(rebuilt).close();
    });

    it('ignores a file the database moved on from (writes after the last save, as after a kill -9) and rebuilds it', () => {
      const { dbFile, corpus, facts } = build('stale.sqlite');
      corpus.close();
      corpus.writeFile(facts('/docs/new.txt'), chunks(2)); // stored, never saved to the file
      corpus.deleteFile('/docs/0.txt');
      const live = ranked(corpus, queries);
      storeOf(corpus).close(); // no close(): the process died here
      const reopened = Corpus.open(new IndexStore(dbFile), KEY);
      assert.equal(reopened.loaded.from, 'database');
      assert.match(reopened.loaded.reason!, /out of step with the database/);
      assert.deepEqual(ranked(reopened, queries), live);
      storeOf(reopened).close();
      assert.equal(Corpus.open(new IndexStore(dbFile), KEY).loaded.from, 'vector file', 'saved again after the rebuild');
    });

    it('ignores a truncated or damaged file', () => {
      const { dbFile, corpus } = build('damaged.sqlite');
      const live = ranked(corpus, queries);
      corpus.close();
      const file = storeOf(corpus).sets.vectorFile(1)!;
      storeOf(corpus).close();
      const whole = readFileSync(file);
      truncateSync(file, statSync(file).size - 100);
      let c = Corpus.open(new IndexStore(dbFile), KEY);
      assert.match(c.loaded.reason!, /truncated/);
      assert.deepEqual(ranked(c, queries), live);
      storeOf(c).close();
      whole[whole.length - 7] ^= 0x55; // one flipped byte in the codes
      writeFileSync(file, whole);
      c = Corpus.open(new IndexStore(dbFile), KEY);
      assert.match(c.loaded.reason!, /checksum/);
      assert.deepEqual(ranked(c, queries), live);
      storeOf(c).close();
    });

    it('does not save over the file while a hidden file or another writer makes memory differ from SQLite', () => {
      const { dbFile, corpus } = build('hidden.sqlite');
      corpus.close();
      const a = corpus.fileAt('/docs/5.txt')!;
      corpus.hide(a.id);
      corpus.writeFile({ folderId: a.folderId, path: '/docs/x.txt', size: 1, mtimeMs: 1, contentHash: 'x' }, chunks(1));
      assert.equal(corpus.persist(), false, 'hidden: memory lacks a stored file');
      corpus.touchFile(a.id, 1, 2); // seen again: shown
      assert.equal(corpus.persist(), true);
      const other = new IndexStore(dbFile); // a second writer on the same database (a CLI)
      other.writes.deleteFile('/docs/x.txt');
      other.close();
      corpus.writeFile({ folderId: a.folderId, path: '/docs/y.txt', size: 1, mtimeMs: 1, contentHash: 'y' }, chunks(1));
      assert.equal(corpus.persist(), false, 'memory still holds x.txt, which the other writer deleted');
      corpus.close();
      storeOf(corpus).close();
      const reopened = Corpus.open(new IndexStore(dbFile), KEY);
      assert.equal(reopened.loaded.from, 'database');
      assert.equal(reopened.fileAt('/docs/x.txt'), undefined);
      assert.equal(reopened.size, corpus.size - 1, 'x.txt (one passage) is gone after the restart');
      storeOf(reopened).close();
    });
  });
});
