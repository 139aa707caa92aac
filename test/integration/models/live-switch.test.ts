/**
 * Changing the model of the running engine (as Settings does), on real SciFact abstracts, a real
 * question bank and the real shipped models: all-MiniLM-L6-v2 (384-d) → the 32-d test fixture model
 * and back. While the new model embeds, the old one answers searches and questions and a file added
 * meanwhile is indexed; then the engine changes over in place (no restart): queries, new files and the
 * bank use the new model, and nothing in the index mixes the two. Switching back embeds only what the
 * first model lacks; a model that fails to load is refused and the current one keeps working; removing
 * a model drops its vectors.
 */
import assert from 'node:assert/strict';
import { cpSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { openTrove } from '../../../src/core/open-trove';
import type { ModelsOverview } from '../../../src/shared/models';
import { scifactDocs, tempDir, waitFor, writeDocs } from '../indexing/helpers';
import { readSentenceModel } from '../../../src/core/embed/sentence-model';
import { defaultModelDir } from '../../../src/core/embed/model-files';

const root = resolve(import.meta.dirname, '..', '..', '..');
const TINY = join(root, 'resources', 'models', 'test-fixtures', 'tiny-minilm-32-stsb');
/** The shipped model's id with its default weights (int8 for new indexes: see indexed-variant.ts). */
const MINILM = readSentenceModel(defaultModelDir()).id;
const work = tempDir('live-switch');
after(() => rmSync(work, { recursive: true, force: true }));

/** Per model id: indexed passages with a vector of it, and indexed files searched with it. */
function indexState(dbPath: string) {
  const db = new Database(dbPath, { readonly: true });
  try {
    const passages = db.prepare("SELECT COUNT(*) FROM chunks c JOIN files f ON f.id = c.file_id WHERE f.state = 'indexed'").pluck().get() as number;
    const vectors = db
      .prepare(
        `SELECT es.model_id AS model, COUNT(*) AS n FROM vectors v JOIN embedding_sets es ON es.id = v.embedding_set_id
         JOIN chunks c ON c.id = v.chunk_id JOIN files f ON f.id = c.file_id WHERE f.state = 'indexed' GROUP BY es.id ORDER BY es.id`,
      )
      .all() as Array<{ model: string; n: number }>;
    const files = db
      .prepare("SELECT es.model_id AS model, COUNT(*) AS n FROM files f JOIN embedding_sets es ON es.id = f.embedding_set_id WHERE f.state = 'indexed' GROUP BY es.id")
      .all() as Array<{ model: string; n: number }>;
    return { passages, vectors: Object.fromEntries(vectors.map((r) => [r.model, r.n])), files: Object.fromEntries(files.map((r) => [r.model, r.n])) };
  } finally {
    db.close();
  }
}

test('the running engine changes model in place; the old one answers until then; back again embeds nothing twice', async () => {
  const docs = scifactDocs(24, 600);
  const late = scifactDocs(1, 700)[0];
  writeDocs(join(work, 'docs'), docs);
  const dataDir = join(work, 'data');
  const dbPath = join(dataDir, 'index.sqlite');
  const service = await openTrove({ dataDir });
  try {
    await service.addFolder(join(work, 'docs'));
    await service.whenIdle();
    const questions = docs.map((d) => d.title);
    const csv = 'question,answer\n' + questions.map((q, i) => `"${q.replace(/"/g, '""')}",answer ${i}`).join('\n') + '\n';
    await service.importBank('faq.csv', Buffer.from(csv).toString('base64'), { bank: 'faq' });
    await service.addModelFolder(TINY);

    // Bad input: an installed model whose graph no longer loads is refused, naming the file; nothing changes.
    cpSync(TINY, join(work, 'broken'), { recursive: true });
    rmSync(join(work, 'broken', 'manifest.json')); // a model of its own (named by its folder), not a second copy of the fixture
    await service.addModelFolder(join(work, 'broken'));
    writeFileSync(join(dataDir, 'models', 'broken', 'onnx', 'model.onnx'), 'not an onnx graph');
    await assert.rejects(service.useModel('broken'), /model\.onnx/);
    assert.equal((await service.modelInfo()).id, MINILM);
    assert.equal((await service.listModels()).switching, null, 'no change of model was started');
    assert.equal((await service.search({ text: docs[5].title, k: 3 })).hits[0]?.name, `${docs[5].id}.txt`);

    let seen: ModelsOverview = await service.useModel('tiny-minilm-32-stsb');
    assert.equal(seen.switching?.state, 'embedding');
    // A file arrives during the change: it must end up searchable with the model that will be active.
    writeDocs(join(work, 'docs'), [late]);
    let searchedDuring = 0;
    const during = await service.status();
    assert.equal(during.model, MINILM, 'status names the model answering');
    assert.equal(during.modelSwitch?.to, 'tiny-minilm-32-stsb', 'and the change under way');
    while (seen.switching?.state === 'embedding') {
      const hits = await service.search({ text: docs[3].title, k: 3 });
      const [match] = await service.askQuestion('faq', docs[3].title, 1);
      const info = await service.modelInfo();
      if (info.id === MINILM) {
        // Still the old model: it answered the search and the question as before.
        assert.equal(info.dimension, 384);
        assert.equal(hits.hits[0]?.name, `${docs[3].id}.txt`);
        assert.equal(match.question, docs[3].title);
        searchedDuring++;
      }
      seen = await service.listModels();
    }
    assert.equal(seen.switching?.state, 'done', seen.switching?.error);
    assert.ok(searchedDuring > 0, 'searched while the new model embedded');
    assert.ok(seen.switching!.embedded > 0 && seen.switching!.done === seen.switching!.total);
    assert.equal(seen.current, 'tiny-minilm-32-stsb');

    // No restart: the same engine now embeds queries, files and questions with the 32-d model.
    const info = await service.modelInfo();
    assert.deepEqual([info.id, info.dimension], ['tiny-minilm-32-stsb', 32]);
    const status = await service.status();
    assert.deepEqual([status.model, status.modelSwitch], ['tiny-minilm-32-stsb', null]);
    await service.whenIdle();
    await waitFor('the late file indexed', async () => (await service.search({ text: late.title, k: 5 })).hits.some((h) => h.name === `${late.id}.txt`));
    const hits = await service.search({ text: docs[3].title, k: 5 });
    assert.ok(hits.hits.some((h) => h.name === `${docs[3].id}.txt`), 'search answers with the new model');
    const [match] = await service.askQuestion('faq', docs[3].title, 1);
    assert.equal(match.question, docs[3].title, 'the bank answers with the new model');
    assert.deepEqual(seen.banks ?? (await service.listModels()).banks, [{ bank: 'faq', modelId: 'tiny-minilm-32-stsb', questions: docs.length }]);

    // Never mixed: every indexed file is searched with the new model and every passage has its vector.
    let state = indexState(dbPath);
    assert.deepEqual(state.files, { 'tiny-minilm-32-stsb': docs.length + 1 });
    assert.equal(state.vectors['tiny-minilm-32-stsb'], state.passages);
    const overview = await service.listModels();
    assert.deepEqual(
      overview.index!.map((s) => [s.modelId, s.dimension, s.inUse, s.bytes === s.vectors * s.dimension * 4]),
      [
        [MINILM, 384, false, true],
        ['tiny-minilm-32-stsb', 32, true, true],
      ],
    );

    // Back to the first model: only what it lacks (the late file, if it came after the change-over) is embedded.
    const missing = state.passages - (state.vectors[MINILM] ?? 0);
    seen = await service.useModel('all-MiniLM-L6-v2');
    seen = await waitFor('back to MiniLM', async () => {
      const o = await service.listModels();
      return o.switching?.state !== 'embedding' && o;
    });
    assert.equal(seen.switching?.state, 'done', seen.switching?.error);
    assert.equal(seen.switching!.embedded, missing, `embedded ${seen.switching!.embedded}, lacking ${missing}`);
    assert.deepEqual([(await service.modelInfo()).dimension], [384]);
    assert.equal((await service.search({ text: docs[3].title, k: 3 })).hits[0]?.name, `${docs[3].id}.txt`);
    state = indexState(dbPath);
    assert.deepEqual(state.files, { [MINILM]: docs.length + 1 });

    // Removing the fixture model drops its vectors from the index and the bank.
    const removed = await service.removeModel('tiny-minilm-32-stsb');
    assert.deepEqual(removed.index!.map((s) => s.modelId), [MINILM]);
    assert.equal(indexState(dbPath).vectors['tiny-minilm-32-stsb'], undefined);
    const q = new Database(join(dataDir, 'questions.db'), { readonly: true });
    assert.equal(q.prepare("SELECT COUNT(*) FROM question_vectors WHERE model_id = 'tiny-minilm-32-stsb'").pluck().get(), 0);
    q.close();
  } finally {
    await service.close();
  }
});
