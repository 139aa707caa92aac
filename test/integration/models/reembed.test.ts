/**
 * Changing an index's model from the stored passage texts, through the CLI on a real index of real
 * SciFact abstracts: `models use <model> --db <index>` is killed with SIGKILL midway, run again, and
 * finishes without embedding any passage twice; the index then reports the new model, the next
 * indexing pass reads no file again (everything unchanged), and search answers with the new model.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { defaultModelDir } from '../../../src/core/embed/model-files';
import { scifactDocs, tempDir, writeDocs } from '../indexing/helpers';

const root = resolve(import.meta.dirname, '..', '..', '..');
const work = tempDir('reembed');
after(() => rmSync(work, { recursive: true, force: true }));

const env = (): NodeJS.ProcessEnv => {
  const e: NodeJS.ProcessEnv = { ...process.env, TROVE_DATA_DIR: join(work, 'data') };
  delete e.TROVE_MODEL_DIR;
  return e;
};
const cli = ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts')];
function trove(...args: string[]) {
  const r = spawnSync(process.execPath, [...cli, ...args], { cwd: root, env: env(), encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('a model change killed midway resumes, embeds each passage once, and re-reads no file', async () => {
  const docs = join(work, 'docs');
  const db = join(work, 'index.sqlite');
  const picked = scifactDocs(40, 200);
  writeDocs(docs, picked);
  const first = trove('index', docs, '--db', db);
  assert.equal(first.code, 0, first.err);
  const sqlite = () => new Database(db, { readonly: true });
  const passages = (sqlite().prepare('SELECT COUNT(*) AS n FROM chunks').get() as { n: number }).n;

  // Same weights under another model id (a bare folder is named by its folder): "another model".
  const other = join(work, 'other-model');
  cpSync(defaultModelDir(), other, { recursive: true });
  rmSync(join(other, 'manifest.json'));

  const child = spawn(process.execPath, [...cli, 'models', 'use', other, '--db', db, '--batch', '8'], { cwd: root, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  let staged = 0;
  const staging = () => {
    const setId = (sqlite().prepare("SELECT id FROM embedding_sets WHERE model_id = 'other-model'").get() as { id: number } | undefined)?.id;
    return setId === undefined ? null : `${db}.reembed-${setId}.sqlite`;
  };
  for (let t = 0; t < 1200; t++) {
    await new Promise((r) => setTimeout(r, 100));
    const path = staging();
    if (path && existsSync(path)) {
      try {
        staged = (new Database(path, { readonly: true }).prepare('SELECT COUNT(*) AS n FROM pending').get() as { n: number }).n;
      } catch {
        staged = 0;
      }
      if (staged >= 16) break;
    }
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  assert.ok(staged >= 16 && staged < passages, `killed after ${staged} of ${passages} passages`);
  // Killed midway: the index still answers with its old model.
  const before = JSON.parse(trove('status', '--db', db).out) as { indexModels: Array<{ modelId: string; files: number }> };
  assert.deepEqual(before.indexModels.map((m) => [m.modelId, m.files]), [['sentence-transformers/all-MiniLM-L6-v2', 40]]);

  const resumed = trove('models', 'use', other, '--db', db, '--batch', '8');
  assert.equal(resumed.code, 0, resumed.err);
  const result = JSON.parse(resumed.out.split('\n')[0]) as { embedded: number; resumed: number; files: number; to: string };
  assert.ok(result.resumed >= staged, `resumed from ${result.resumed} staged passages`);
  assert.equal(result.resumed + result.embedded, passages, 'every passage embedded exactly once across the two runs');
  assert.equal(result.files, 40);
  assert.match(resumed.err, /re-embedding \d+\/\d+ passages, [\d.]+\/s/);

  const after = JSON.parse(trove('status', '--db', db).out) as { indexModels: Array<{ modelId: string; files: number }>; model: { id: string } };
  assert.deepEqual(after.indexModels.map((m) => [m.modelId, m.files]), [['other-model', 40]]);
  assert.equal(after.model.id, 'other-model', 'the CLI now embeds with the chosen model');
  assert.ok(!existsSync(staging()!), 'the staging file is gone');

  const again = JSON.parse(trove('index', docs, '--db', db).out) as { embedded: number; reused: number; filesIndexed: number };
  assert.equal(again.embedded, 0, `no file read and embedded again: ${JSON.stringify(again)}`);
  assert.equal(again.reused, 0);
  assert.equal(again.filesIndexed, 40);
  const hits = JSON.parse(trove('search', picked[7].title, '--db', db, '--json').out) as { hits: Array<{ name: string }> };
  assert.equal(hits.hits[0].name, `${picked[7].id}.txt`);
});
