/**
 * Issue 19 item 5: tests never read or write the person's own data folder. scripts/run-tests.mjs runs
 * every suite with HOME pointing at a throw-away home whose Trove folder holds a poisoned models.json
 * (its "model" is refused on load) and fails the run if anything was written there. This test shows the
 * poison bites — a CLI run without its own data folder picks the poisoned model and cannot embed — and
 * that TROVE_DATA_DIR keeps the CLI off it, so every suite that passes under the runner kept to its own.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { tempDir } from '../indexing/helpers';

const repo = join(import.meta.dirname, '..', '..', '..');
const root = tempDir('user-data');
after(() => rmSync(root, { recursive: true, force: true }));

function trove(args: string[], env: NodeJS.ProcessEnv) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: repo, env, input: 'hello\n', encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('the suites run with a poisoned user folder: a CLI run without its own data folder would use it, one with TROVE_DATA_DIR never does', () => {
  const userModels = join(homedir(), '.config', 'Trove', 'models.json');
  const poisoned = (JSON.parse(readFileSync(userModels, 'utf8')) as { current: string }).current;
  assert.match(poisoned, /poisoned-model-read-from-the-real-user-folder$/, 'run through scripts/run-tests.mjs (npm test), which poisons HOME');

  const env = { ...process.env };
  delete env.TROVE_DATA_DIR;
  delete env.TROVE_MODEL_DIR;
  delete env.TROVE_MODEL;
  const fromHome = trove(['encode'], env);
  assert.notEqual(fromHome.code, 0, 'the poisoned user folder is refused');
  assert.match(fromHome.stderr, /poisoned-model-read-from-the-real-user-folder/);

  const own = trove(['encode'], { ...env, TROVE_DATA_DIR: join(root, 'data') });
  assert.equal(own.code, 0, own.stderr);
  assert.equal((JSON.parse(own.stdout) as number[]).length, 384, 'the shipped model embedded it');
  assert.doesNotMatch(own.stderr, /poisoned/);
  assert.equal(readFileSync(userModels, 'utf8').includes(poisoned), true, 'the user folder is unchanged');
});
