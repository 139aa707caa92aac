/**
 * Changing an index's model from the stored passage texts, through the CLI on a real index of real
 * SciFact abstracts: `models use <model> --db <index>` is killed with SIGKILL midway, run again, and
 * finishes without embedding any passage twice; the index then reports the new model with the old
 * model's vectors kept beside it, the next indexing pass reads no file again (everything unchanged),
 * search answers with the new model, switching back embeds nothing, and a prune drops the unused set.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, rmSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { defaultModelDir } from '../../../src/core/embed/model-files';
import { scifactDocs, tempDir, writeDocs } from '../indexing/helpers';
import { readSentenceModel } from '../../../src/core/embed/sentence-model';

/** The shipped model's id with its default weights (int8 for new indexes: see indexed-variant.ts). */
const MINILM = readSentenceModel(defaultModelDir()).id;
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
  // Each read opens and closes its own connection: one left open would keep the prune below from shrinking the file.
  const count = (sql: string) => {
    const conn = new Database(db, { readonly: true });
    try {
      return conn.prepare(sql).pluck().get() as number;
    } finally {
      conn.close();
    }
  };
  const passages = count('SELECT COUNT(*) FROM chunks');

  // Same weights under another model id (a bare folder is named by its folder): "another model".
  const other = join(work, 'other-model');
  cpSync(defaultModelDir(), other, { recursive: true });
  rmSync(join(other, 'manifest.json'));

  const child = spawn(process.execPath, [...cli, 'models', 'use', other, '--db', db, '--batch', '8'], { cwd: root, env: env(), stdio: ['ignore', 'pipe', 'pipe'] });
  // Vectors of the new model land in the index beside the old ones, one transaction per batch of 8.
  const newVectors = () => count("SELECT COUNT(*) FROM vectors v JOIN embedding_sets es ON es.id = v.embedding_set_id WHERE es.model_id = 'other-model'");
  let staged = 0;
  for (let t = 0; t < 1200; t++) {
    await new Promise((r) => setTimeout(r, 100));
    try {
      staged = newVectors();
    } catch {
      staged = 0; // the table of sets may not have the row yet
    }
    if (staged >= 16) break;
  }
  child.kill('SIGKILL');
  await new Promise((r) => child.once('exit', r));
  assert.ok(staged >= 16 && staged < passages, `killed after ${staged} of ${passages} passages`);
  const kept = newVectors();
  // Killed midway: the index still answers with its old model, and says how far the new one got.
  type Status = {
    indexModels: Array<{ modelId: string; files: number }>;
    model: { id: string };
    vectorSets: Array<{ modelId: string; vectors: number; passages: number; complete: boolean; inUse: boolean; bytes: number }>;
  };
  const before = JSON.parse(trove('status', '--db', db).out) as Status;
  assert.deepEqual(before.indexModels.map((m) => [m.modelId, m.files]), [[MINILM, 40]]);
  assert.deepEqual(
    before.vectorSets.map((v) => [v.modelId, v.vectors, v.complete, v.inUse]),
    [
      [MINILM, passages, true, true],
      ['other-model', kept, false, false],
    ],
  );

  const resumed = trove('models', 'use', other, '--db', db, '--batch', '8');
  assert.equal(resumed.code, 0, resumed.err);
  const result = JSON.parse(resumed.out.split('\n')[0]) as { embedded: number; resumed: number; files: number; to: string };
  assert.equal(result.resumed, kept, 'every batch written before the kill was kept');
  assert.equal(result.resumed + result.embedded, passages, 'every passage embedded exactly once across the two runs');
  assert.equal(result.files, 40);
  assert.match(resumed.err, /re-embedding \d+\/\d+ passages, [\d.]+\/s/);

  const after = JSON.parse(trove('status', '--db', db).out) as Status;
  assert.deepEqual(after.indexModels.map((m) => [m.modelId, m.files]), [['other-model', 40]]);
  assert.equal(after.model.id, 'other-model', 'the CLI now embeds with the chosen model');
  assert.deepEqual(
    after.vectorSets.map((v) => [v.modelId, v.complete, v.inUse, v.bytes]),
    [
      [MINILM, true, false, passages * 384 * 4],
      ['other-model', true, true, passages * 384 * 4],
    ],
    'the old model\'s vectors are kept beside the new ones',
  );

  const again = JSON.parse(trove('index', docs, '--db', db).out) as { embedded: number; reused: number; filesIndexed: number };
  assert.equal(again.embedded, 0, `no file read and embedded again: ${JSON.stringify(again)}`);
  assert.equal(again.reused, 0);
  assert.equal(again.filesIndexed, 40);
  const hits = JSON.parse(trove('search', picked[7].title, '--db', db, '--json').out) as { hits: Array<{ name: string }> };
  assert.equal(hits.hits[0].name, `${picked[7].id}.txt`);

  // Back to the first model: its vectors are complete, so nothing is embedded.
  const back = trove('models', 'use', 'all-MiniLM-L6-v2', '--db', db);
  assert.equal(back.code, 0, back.err);
  const backResult = JSON.parse(back.out.split('\n')[0]) as { embedded: number; resumed: number; files: number };
  assert.deepEqual([backResult.embedded, backResult.resumed, backResult.files], [0, passages, 40]);
  // A prune drops the other model's vectors and gives the space back.
  const bytesBefore = statSync(db).size;
  const pruned = trove('models', 'prune', '--db', db);
  assert.equal(pruned.code, 0, pruned.err);
  assert.match(pruned.out, new RegExp(`dropped ${passages} vectors of other-model`));
  const final = JSON.parse(trove('status', '--db', db).out) as Status;
  assert.deepEqual(final.vectorSets.map((v) => [v.modelId, v.inUse]), [[MINILM, true]]);
  assert.ok(statSync(db).size < bytesBefore, `the index file shrank (${bytesBefore} → ${statSync(db).size} bytes)`);
});
