/**
 * Issue 21 item 6, through the real CLI processes: a misspelt flag exits 2 with one line naming it,
 * --version prints package.json's version (through the `npx trove` launcher too), and a hand-broken
 * models.json in the data folder is a runtime failure (exit 1) naming the file and the field.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tempDir } from '../indexing/helpers';

const repo = join(import.meta.dirname, '..', '..', '..');
const root = tempDir('cli-usage');
after(() => rmSync(root, { recursive: true, force: true }));

/** The CLI as `npm run trove` runs it, or through the bin launcher; always with this test's own data folder. */
function trove(args: string[], data = join(root, 'data'), entry = ['--import', 'tsx', 'src/cli/main.ts']) {
  const env: NodeJS.ProcessEnv = { ...process.env, TROVE_DATA_DIR: data };
  delete env.TROVE_MODEL;
  delete env.TROVE_MODEL_DIR;
  const r = spawnSync(process.execPath, [...entry, ...args], { cwd: repo, env, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('a misspelt flag exits 2 with one line naming it and the flag meant; nothing runs', () => {
  const r = trove(['search', '--dbb', join(root, 'index.sqlite'), 'rotate logs']);
  assert.equal(r.code, 2, r.err);
  assert.equal(r.err, 'trove: unknown flag --dbb for search (did you mean --db?)\n');
  assert.equal(r.out, '');
  const missing = trove(['index', '--db', join(root, 'index.sqlite')]);
  assert.equal(missing.code, 2, missing.err);
  assert.equal(missing.err, 'trove: index needs <folder>\n');
});

test('--version prints the version of package.json, from main.ts and from the npx launcher alike', () => {
  const { version } = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };
  const direct = trove(['--version']);
  assert.equal(direct.code, 0, direct.err);
  assert.equal(direct.out, `${version}\n`);
  const launched = trove(['--version'], join(root, 'data'), [join(repo, 'src', 'cli', 'trove.mjs')]);
  assert.equal(launched.code, 0, launched.err);
  assert.equal(launched.out, `${version}\n`, 'stdout holds the version alone');
});

test('a hand-broken models.json is refused naming the file and the field, not taken as "no choice"', () => {
  const data = join(root, 'broken-data');
  mkdirSync(data, { recursive: true });
  const file = join(data, 'models.json');
  writeFileSync(file, JSON.stringify({ current: 42 }));
  const wrongField = trove(['models', 'list'], data);
  assert.equal(wrongField.code, 1, wrongField.err);
  assert.equal(wrongField.err, `trove: ${file}: "current" is wrong (expected string, received number); fix it or delete it\n`);

  writeFileSync(file, '{"current": "all-MiniLM-L6-v2",');
  const notJson = trove(['similarity', 'a', 'b'], data);
  assert.equal(notJson.code, 1, notJson.err);
  assert.match(notJson.err, new RegExp(`^trove: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is not valid JSON \\(.+\\); fix it or delete it\\n$`));
  assert.equal(notJson.out, '', 'nothing was embedded with a model guessed in its place');
});
