/**
 * Issue 12 item 10: the command line as a person and a script meet it. Real CLI processes (tsx), the
 * real model, real files; interruptions are real signals.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { scifactDocs, tempDir, waitFor, writeDocs } from '../indexing/helpers';

const repo = join(import.meta.dirname, '..', '..', '..');
const root = tempDir('cli');
after(() => rmSync(root, { recursive: true, force: true }));

function cli(args: string[], env: NodeJS.ProcessEnv = {}) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: repo, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TROVE_DATA_DIR: join(root, 'user-data'), ...env } });
  const out = { stdout: '', stderr: '' };
  child.stdout.on('data', (d) => (out.stdout += d));
  child.stderr.on('data', (d) => (out.stderr += d));
  const exit = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((r) => child.once('exit', (code, signal) => r({ code, signal })));
  return { child, out, exit };
}

test('every command answers --help with its usage, flags and an example; the overview says what each does', async () => {
  const runs = ['index', 'search', 'watch', 'status'].map((name) => ({ name, run: cli([name, '--help']) }));
  const overview = cli(['--help']);
  for (const { name, run } of runs) {
    const { code } = await run.exit;
    assert.equal(code, 0, `${name} --help: ${run.out.stderr}`);
    assert.match(run.out.stdout, new RegExp(`^${name}: .+\\n\\nusage:\\n  npm run trove -- ${name} `));
    assert.match(run.out.stdout, /\n {2}--db <file> +the index database/);
    assert.match(run.out.stdout, new RegExp(`example:\\n  npm run trove -- ${name} `));
  }
  assert.equal((await overview.exit).code, 0);
  assert.match(overview.out.stdout, /\n {2}index +index a folder once and print a JSON summary\n/);
  assert.match(overview.out.stdout, /\n {2}search +search an index built by index or watch\n/);
});

test('index: progress lines on a non-terminal stderr, and after a kill -9 the summary of the rerun adds up', async () => {
  const docs = join(root, 'docs');
  const db = join(root, 'data', 'index.sqlite');
  const corpus = scifactDocs(60, 1200);
  writeDocs(docs, corpus);
  const indexed = () => {
    try {
      const conn = new Database(db, { readonly: true, fileMustExist: true });
      try {
        return (conn.prepare("SELECT COUNT(*) AS n FROM files WHERE state = 'indexed'").get() as { n: number }).n;
      } finally {
        conn.close();
      }
    } catch {
      return 0;
    }
  };
  // A line every 0.5 s, not 5 s: on a fast machine the first files are done before a 5 s line is due.
  const first = cli(['index', docs, '--db', db], { TROVE_PROGRESS_MS: '500' });
  const progressLine = /^indexing \d+\/\d+ files, \d+ passages, [\d.]+ passages\/s/m;
  await waitFor('some files indexed and a progress line before the kill', () => indexed() >= 10 && progressLine.test(first.out.stderr), 180_000);
  const workers = execFileSync('pgrep', ['-P', String(first.child.pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  // The engine runs where the app runs it, in the engine process, so this test covers the app's path.
  const commands = workers.map((pid) => readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' '));
  assert.deepEqual(commands.filter((c) => /engine-worker/.test(c)).length, 1, commands.join('\n'));
  first.child.kill('SIGKILL');
  await first.exit;
  for (const pid of workers) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  const kept = indexed();
  assert.ok(kept < corpus.length, 'the kill came after the whole folder was indexed');
  assert.match(first.out.stderr, progressLine, 'no progress line while stderr is not a terminal');

  const second = cli(['index', docs, '--db', db]);
  const { code } = await second.exit;
  assert.equal(code, 0, second.out.stderr);
  const s = JSON.parse(second.out.stdout.trim().split('\n').at(-1)!) as Record<string, number>;
  assert.equal(s.filesIndexed, corpus.length);
  assert.equal(s.embedded + s.reused + s.unchanged + s.failed, corpus.length, JSON.stringify(s));
  assert.ok(s.unchanged >= kept, `files kept from the first run are counted as unchanged: ${JSON.stringify(s)}`);
});

test('eval beir leaves no temporary folder behind when stopped with SIGTERM or killed with SIGKILL', async () => {
  const beir = join(root, 'beir');
  mkdirSync(join(beir, 'qrels'), { recursive: true });
  const docs = scifactDocs(400, 2000);
  writeFileSync(join(beir, 'corpus.jsonl'), docs.map((d) => JSON.stringify({ _id: d.id, title: d.title, text: d.text })).join('\n'));
  writeFileSync(join(beir, 'queries.jsonl'), JSON.stringify({ _id: 'q1', text: docs[0].title }));
  writeFileSync(join(beir, 'qrels', 'test.tsv'), `query-id\tcorpus-id\tscore\nq1\t${docs[0].id}\t1\n`);
  const tmp = join(root, 'tmp');
  mkdirSync(tmp);
  const left = () => readdirSync(tmp).filter((n) => n.startsWith('trove-beir-'));
  const indexing = async (run: ReturnType<typeof cli>) => {
    await waitFor('eval beir to start indexing', () => left().some((n) => existsSync(join(tmp, n, 'data', 'index.sqlite'))), 180_000).catch((err) => {
      throw new Error(`${(err as Error).message}\n${run.out.stderr}`);
    });
  };

  const stopped = cli(['eval', 'beir', beir], { TMPDIR: tmp });
  await indexing(stopped);
  stopped.child.kill('SIGTERM');
  const end = await stopped.exit;
  assert.equal(end.code, 143, stopped.out.stderr);
  assert.deepEqual(left(), []);

  const killed = cli(['eval', 'beir', beir], { TMPDIR: tmp });
  await indexing(killed);
  killed.child.kill('SIGKILL');
  await killed.exit;
  assert.equal(left().length, 1, 'SIGKILL cannot be caught: the folder is still there');
  // The next run removes what a killed run left (here a run that then fails on a missing folder).
  const next = cli(['eval', 'beir', join(root, 'no-such-beir')], { TMPDIR: tmp });
  await next.exit;
  assert.deepEqual(left(), []);
});
