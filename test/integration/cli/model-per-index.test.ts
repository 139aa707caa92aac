/**
 * Issue 19 item 4: the model chosen for one index is that index's, not every command's. Two indexes in
 * one folder, built by the real CLI with the real model; `models use <model> --db A` moves A alone,
 * later commands on A use A's model, B and the CLI default stay as they were, until --default.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { tempDir } from '../indexing/helpers';

const repo = resolve(import.meta.dirname, '..', '..', '..');
const work = tempDir('model-per-index');
const data = join(work, 'data');
after(() => rmSync(work, { recursive: true, force: true }));

/** The shipped model's ids: fp32 ("exact") weights carry no suffix, the default int8 ones do. */
const EXACT_ID = 'sentence-transformers/all-MiniLM-L6-v2';
const INT8_ID = `${EXACT_ID}@int8`;

function trove(...args: string[]): { code: number | null; out: string; err: string } {
  // Its own data folder: the CLI default (models.json) is this test's, never the person's.
  const env: NodeJS.ProcessEnv = { ...process.env, TROVE_DATA_DIR: data };
  delete env.TROVE_MODEL_DIR;
  delete env.TROVE_MODEL;
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repo, 'src', 'cli', 'main.ts'), ...args], { cwd: repo, env, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function json<T>(r: ReturnType<typeof trove>, what: string): T {
  assert.equal(r.code, 0, `${what}: ${r.err}`);
  return JSON.parse(r.out) as T;
}

interface Listed {
  current: string;
  models: Array<{ name: string; current: boolean; variant: string | null }>;
  indexes?: Array<{ db: string; model: string; variant: string; id: string; from: 'index' | 'default' }>;
}
const defaultOf = (l: Listed) => l.models.filter((m) => m.current).map((m) => `${m.name} ${m.variant}`);

test('models use --db moves that index only: it keeps its model, the other index and the CLI default do not change, until --default', () => {
  const docs = join(work, 'docs');
  mkdirSync(docs, { recursive: true });
  for (const f of ['git-bisect.html', 'git-stash.html', 'git-reflog.html']) cpSync(join(repo, 'test', 'fixtures', 'documents', 'git', f), join(docs, f));
  // One folder for both: its models.json would be shared, so each index's choice must live beside its file.
  const a = join(work, 'indexes', 'a.sqlite');
  const b = join(work, 'indexes', 'b.sqlite');
  for (const db of [a, b]) {
    const summary = json<{ filesIndexed: number }>(trove('index', docs, '--db', db), `index --db ${db}`);
    assert.equal(summary.filesIndexed, 3);
  }

  const moved = trove('models', 'use', 'all-MiniLM-L6-v2@exact', '--db', a);
  assert.equal(moved.code, 0, moved.err);
  assert.match(moved.out, new RegExp(`index ${a} uses all-MiniLM-L6-v2 \\(fp32\\)\\n`));
  assert.doesNotMatch(moved.out, /CLI default is now/);
  assert.ok(existsSync(`${a}.model.json`) && !existsSync(`${b}.model.json`), 'the choice is recorded beside A only');
  assert.ok(!existsSync(join(data, 'models.json')) || !('current' in JSON.parse(readFileSync(join(data, 'models.json'), 'utf8'))), 'the CLI default was not written');

  const listed = json<Listed>(trove('models', 'list', '--db', a, '--db', b, '--json'), 'models list');
  assert.equal(listed.current, 'all-MiniLM-L6-v2');
  assert.deepEqual(defaultOf(listed), ['all-MiniLM-L6-v2 int8'], 'the CLI default is unchanged');
  assert.deepEqual(
    listed.indexes?.map((i) => [i.db, i.model, i.variant, i.id, i.from]),
    [
      [a, 'all-MiniLM-L6-v2', 'fp32', EXACT_ID, 'index'],
      [b, 'all-MiniLM-L6-v2', 'int8', INT8_ID, 'default'],
    ],
  );

  // The engine each command starts takes the index's model: A answers with fp32, B with the default int8.
  type Status = { model: { id: string; fallback: unknown }; vectorSets: Array<{ modelId: string; complete: boolean; inUse: boolean }> };
  const statusA = json<Status>(trove('status', '--db', a), 'status A');
  assert.equal(statusA.model.id, EXACT_ID, JSON.stringify(statusA.model));
  assert.deepEqual(statusA.vectorSets.filter((v) => v.inUse).map((v) => [v.modelId, v.complete]), [[EXACT_ID, true]]);
  const statusB = json<Status>(trove('status', '--db', b), 'status B');
  assert.equal(statusB.model.id, INT8_ID, JSON.stringify(statusB.model));
  assert.deepEqual(statusB.vectorSets.map((v) => v.modelId), [INT8_ID], 'B was not re-embedded');

  // Vectors only (no keyword help): the query is embedded by A's model and matched against A's fp32 vectors.
  const hits = json<{ hits: Array<{ name: string }> }>(trove('search', 'binary search for the commit that introduced a bug', '--db', a, '--mode', 'meaning', '--json'), 'search A');
  assert.equal(hits.hits[0]?.name, 'git-bisect.html', JSON.stringify(hits.hits.map((h) => h.name)));

  // --default: the index moves and the CLI default follows.
  const both = trove('models', 'use', 'all-MiniLM-L6-v2@exact', '--db', b, '--default');
  assert.equal(both.code, 0, both.err);
  assert.match(both.out, /CLI default is now all-MiniLM-L6-v2 \(fp32\)/);
  const after = json<Listed>(trove('models', 'list', '--db', b, '--json'), 'models list after --default');
  assert.deepEqual(defaultOf(after), ['all-MiniLM-L6-v2 fp32']);
  assert.deepEqual(after.indexes?.map((i) => [i.variant, i.from]), [['fp32', 'index']]);
});
