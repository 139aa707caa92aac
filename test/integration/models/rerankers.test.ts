/**
 * Re-rankers in the model manager, through the API the Settings panel uses, over the real engine
 * (openTrove: real embedding process, real SQLite, real SciFact abstracts) and the real tiny
 * cross-encoder fixture: a CrossEncoder folder is added as a re-ranker (proven by scoring a pair, not
 * as a bi-encoder), listed with what it is for, refused as the model in use, chosen with
 * setSettings({ reranker }) and then re-ranks searches; removing it un-chooses it.
 */
import assert from 'node:assert/strict';
import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { shippedModelsDir } from '../../../src/core/embed/model-files';
import { openTrove, type TroveAppService } from '../../../src/core/open-trove';
import { scifactDocs, tempDir, writeDocs } from '../indexing/helpers';

const TINY = join(shippedModelsDir(), 'test-fixtures', 'tiny-cross-encoder');
const work = tempDir('rerankers');
const data = join(work, 'data');
let trove: TroveAppService;

before(async () => {
  writeDocs(join(work, 'docs'), scifactDocs(20));
  trove = await openTrove({ dataDir: data });
  await trove.addFolder(join(work, 'docs'));
  await trove.whenIdle();
});
after(async () => {
  await trove?.close();
  rmSync(work, { recursive: true, force: true });
});

const QUERY = 'vitamin D and bone density';

test('the catalogue offers re-rankers as their own kind, with what each is for', async () => {
  const { models } = await trove.listModels();
  const rerankers = models.filter((m) => m.kind === 'reranker');
  assert.deepEqual(
    rerankers.map((m) => [m.name, m.repo, m.languages, m.licence, m.installed, m.downloadable]),
    [
      ['ms-marco-MiniLM-L6-v2', 'cross-encoder/ms-marco-MiniLM-L6-v2', ['en'], 'Apache-2.0', false, true],
      ['bge-reranker-base', 'BAAI/bge-reranker-base', ['zh', 'en'], 'MIT', false, true],
    ],
  );
  for (const m of rerankers) assert.match(m.purpose ?? '', /Re-orders the best results of a search/);
  assert.ok(models.filter((m) => m.kind === 'embedding').every((m) => m.purpose === null));
});

test('a cross-encoder folder that does not run is refused naming its graph; nothing is left behind', async () => {
  const broken = join(work, 'broken-reranker');
  cpSync(TINY, broken, { recursive: true });
  rmSync(join(broken, 'manifest.json'));
  writeFileSync(join(broken, 'onnx', 'model.onnx'), Buffer.alloc(4096, 7));
  await assert.rejects(trove.addModelFolder(broken), /the re-ranker graph fails to load: .*broken-reranker\.partial\/onnx\/model\.onnx/);
  assert.ok(!existsSync(join(data, 'models', 'broken-reranker')) && !existsSync(join(data, 'models', 'broken-reranker.partial')));
});

test('a cross-encoder folder is added as a re-ranker: listed with its label, purpose, languages, licence and size; never the model in use', async () => {
  const overview = await trove.addModelFolder(TINY);
  const tiny = overview.models.find((m) => m.name === 'tiny-cross-encoder');
  assert.ok(tiny, 'listed');
  assert.deepEqual(
    [tiny.kind, tiny.installed, tiny.label, tiny.purpose, tiny.languages, tiny.licence, tiny.source, tiny.current, tiny.dimension],
    ['reranker', true, 'tiny cross-encoder (test fixture)', 'tests only', ['en'], 'Apache-2.0', 'folder', false, 1],
  );
  assert.ok(tiny.bytes > 4_000_000 && tiny.bytes < 6_000_000, `size on disk: ${tiny.bytes}`);
  await assert.rejects(trove.useModel('tiny-cross-encoder'), /tiny-cross-encoder is a re-ranker \(a cross-encoder\): it re-orders the best results of a search and cannot index files/);
  assert.equal((await trove.listModels()).current, 'all-MiniLM-L6-v2');
  assert.equal((await trove.modelInfo()).id.split('@')[0], 'sentence-transformers/all-MiniLM-L6-v2');
});

test('choosing a re-ranker: anything else is refused with the installed re-rankers named; the chosen one re-ranks searches', async () => {
  await assert.rejects(trove.setSettings({ reranker: 'nope' }), /no re-ranker named "nope" \(installed re-rankers: tiny-cross-encoder\)/);
  await assert.rejects(trove.setSettings({ reranker: 'all-MiniLM-L6-v2' }), /all-MiniLM-L6-v2 is a sentence-embedding model, not a re-ranker \(installed re-rankers: tiny-cross-encoder/);
  await assert.rejects(trove.setSettings({ reranker: 'ms-marco-MiniLM-L6-v2' }), /re-ranker ms-marco-MiniLM-L6-v2 is not downloaded yet/);
  assert.equal((await trove.getSettings()).reranker, null);
  assert.equal((await trove.search({ text: QUERY })).reranked, null, 'none chosen: not re-ranked');

  await trove.setSettings({ reranker: 'tiny-cross-encoder' });
  const reranked = await trove.search({ text: QUERY });
  assert.equal(reranked.rerankProblem, null);
  assert.deepEqual(reranked.reranked && [reranked.reranked.model, reranked.reranked.label], ['tiny-cross-encoder', 'tiny cross-encoder (test fixture)']);
  assert.ok(reranked.reranked!.passages > 0);
  assert.equal((await trove.search({ text: QUERY, rerank: false })).reranked, null, 'a search can say no');
  await trove.setSettings({ rerank: false });
  assert.equal((await trove.search({ text: QUERY })).reranked, null, 'the toggle off');
  await trove.setSettings({ rerank: true });
});

test('removing the chosen re-ranker un-chooses it: searches go back to the first order, with no problem to report', async () => {
  assert.equal((await trove.getSettings()).reranker, 'tiny-cross-encoder');
  const overview = await trove.removeModel('tiny-cross-encoder');
  assert.equal(overview.models.some((m) => m.name === 'tiny-cross-encoder'), false);
  assert.ok(!existsSync(join(data, 'models', 'tiny-cross-encoder')));
  assert.equal((await trove.getSettings()).reranker, null);
  const after = await trove.search({ text: QUERY });
  assert.deepEqual([after.reranked, after.rerankProblem], [null, null]);
});
