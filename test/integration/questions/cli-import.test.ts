/**
 * Issue 12 item 15, command line: `trove questions import` prints progress lines on stderr while it
 * runs, with stderr a pipe (not a terminal): rows done of the file's rows, a rate and an ETA; stdout
 * keeps only the result. Then `questions export` writes the bank back out. Real CLI process, real
 * model, 1,500 real STS-B train sentences (the int8 model embeds 400 in about a second: too quick for two
 * progress lines).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { readSts } from '../../../src/core/eval/sts';
import { tempDir } from './helpers';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const tmp = tempDir('trove-cli-import-');
after(() => tmp.cleanup());

function trove(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: ROOT, env: { ...process.env, TROVE_DATA_DIR: join(tmp.dir, 'user-data'), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

test('questions import prints progress lines to a pipe; questions export writes the bank', { timeout: 10 * 60_000 }, async () => {
  const sentences = [...new Set(readSts(join(ROOT, '..', 'shared', 'eval', 'stsb', 'sts-train.csv')).pairs.map((p) => p.a))].slice(0, 1500);
  const file = join(tmp.dir, 'train-1500.csv');
  writeFileSync(file, ['id,question', ...sentences.map((q, i) => `t${i + 1},"${q.replace(/"/g, '""')}"`)].join('\n') + '\n');
  const data = join(tmp.dir, 'data');
  const run = await trove(['questions', 'import', file, '--bank', 'train', '--data', data], { TROVE_PROGRESS_MS: '250' });
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^train: 1,?500 questions \(csv, UTF-8\); 1,?500 added/);
  const lines = run.stderr.split('\n').filter((l) => l.startsWith('importing train-1500.csv: '));
  assert.ok(lines.length >= 2, `progress lines on stderr:\n${run.stderr}`);
  let last = -1;
  for (const l of lines) {
    const m = /^importing train-1500\.csv: ([\d,]+)\/1,?500 rows \((\d+)%\), [\d.]+ rows\/s, ETA (unknown|\d+ s|\d+ min \d\d s), ([\d,]+) embedded$/.exec(l);
    assert.ok(m, `a progress line: "${l}"`);
    const done = Number(m[1].replace(/,/g, ''));
    assert.ok(done >= last, 'rows done only go up');
    last = done;
  }
  assert.ok(lines.some((l) => / ETA \d/.test(l)), 'an ETA once there is a rate');

  const out = join(tmp.dir, 'train-export.csv');
  const exported = await trove(['questions', 'export', '--bank', 'train', out, '--data', data]);
  assert.equal(exported.code, 0, exported.stderr);
  assert.match(exported.stdout, /^1,?500 questions written to /);
  const rows = readFileSync(out, 'utf8').trim().split('\r\n');
  assert.equal(rows[0], 'id,question,answer');
  assert.equal(rows.length, 1501);
  assert.ok(rows[1].startsWith('t1,'));
});
