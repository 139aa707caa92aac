/**
 * A change of model in the running engine, cancelled, then killed with SIGKILL midway (a real child
 * process), then continued by the next start on its own: no batch embedded twice, the old model
 * answers until the change-over, and the engine ends on the new model with every passage's vector.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { defaultModelDir } from '../../../src/core/embed/model-files';
import { openTrove } from '../../../src/core/open-trove';
import type { ModelsOverview } from '../../../src/shared/models';
import { scifactDocs, tempDir, waitFor, writeDocs } from '../indexing/helpers';
import { readSentenceModel } from '../../../src/core/embed/sentence-model';

const root = resolve(import.meta.dirname, '..', '..', '..');
/** The shipped model's id with its default weights (int8 for new indexes: see indexed-variant.ts). */
const MINILM = readSentenceModel(defaultModelDir()).id;
const work = tempDir('live-switch-kill');
// The model comes from the data folder's choice, which the interrupted change continues (a fixed
// TROVE_MODEL_DIR would pin the model and turn that off).
delete process.env.TROVE_MODEL_DIR;
after(() => rmSync(work, { recursive: true, force: true }));

test('cancel keeps the current model; kill -9 midway; the next start continues without redoing a batch', async () => {
  const dataDir = join(work, 'data');
  const dbPath = join(dataDir, 'index.sqlite');
  const docs = scifactDocs(140, 800);
  writeDocs(join(work, 'docs'), docs);
  // Same weights under another model id (a bare folder is named by its folder): "another model".
  const other = join(work, 'other-model');
  cpSync(defaultModelDir(), other, { recursive: true });
  rmSync(join(other, 'manifest.json'));
  const sqlite = () => new Database(dbPath, { readonly: true });
  const count = (sql: string) => {
    const db = sqlite();
    try {
      return db.prepare(sql).pluck().get() as number;
    } finally {
      db.close();
    }
  };
  const newVectors = () => count("SELECT COUNT(*) FROM vectors v JOIN embedding_sets es ON es.id = v.embedding_set_id WHERE es.model_id = 'other-model'");

  let service = await openTrove({ dataDir });
  let passages: number;
  let kept: number;
  try {
    await service.addFolder(join(work, 'docs'));
    await service.whenIdle();
    passages = count('SELECT COUNT(*) FROM chunks');
    assert.ok(passages > 4 * 64, `${passages} passages: enough for several batches`);
    await service.addModelFolder(other);

    // Cancel: the current model stays, what was embedded is kept.
    let seen: ModelsOverview = await service.useModel('other-model');
    await waitFor('a first batch', async () => ((seen = await service.listModels()).switching!.done > 0 ? true : false), 120_000);
    seen = await service.cancelModelSwitch();
    assert.equal(seen.switching?.state, 'cancelled');
    assert.equal((await service.modelInfo()).id, MINILM);
    assert.equal(seen.current, 'all-MiniLM-L6-v2');
    assert.equal((await service.search({ text: docs[9].title, k: 3 })).hits[0]?.name, `${docs[9].id}.txt`);
    kept = newVectors();
    assert.ok(kept > 0 && kept < passages, `kept ${kept} of ${passages}`);
  } finally {
    await service.close();
  }

  // Chosen again in another run of Trove, killed with SIGKILL once it has embedded at least one more batch.
  const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'fixtures', 'switch-model-child.ts'), dataDir, 'other-model'], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (b) => (stderr += b));
  const exited = new Promise<NodeJS.Signals | null>((r) => child.once('exit', (_code, signal) => r(signal)));
  await waitFor('another batch in the child', () => (newVectors() >= kept + 64 ? true : false), 180_000).catch((err: Error) => {
    throw new Error(`${err.message}\n${stderr}`);
  });
  child.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  const atKill = newVectors();
  assert.ok(atKill < passages, `killed midway: ${atKill} of ${passages}`);
  assert.equal(count("SELECT COUNT(*) FROM files f JOIN embedding_sets es ON es.id = f.embedding_set_id WHERE es.model_id = 'other-model'"), 0, 'nothing changed over');

  // The next start continues by itself; the old model answers until the change-over.
  service = await openTrove({ dataDir });
  try {
    const first = await service.listModels();
    assert.equal(first.switching?.to, 'other-model', 'the interrupted change continues at the start');
    const seen = await waitFor('the change-over', async () => {
      const o = await service.listModels();
      return o.switching?.state !== 'embedding' && o;
    }, 300_000);
    assert.equal(seen.switching?.state, 'done', seen.switching?.error);
    assert.equal(seen.switching!.embedded, passages - atKill, 'no batch written before the kill was embedded again');
    assert.equal((await service.modelInfo()).id, 'other-model');
    assert.equal(newVectors(), passages);
    assert.equal((await service.search({ text: docs[9].title, k: 3 })).hits[0]?.name, `${docs[9].id}.txt`);
  } finally {
    await service.close();
  }
});
