/**
 * kill -9 in the middle of indexing, then a restart: nothing lost, nothing duplicated, finished files
 * not embedded again, the database intact. Runs the real CLI in a child process and really kills it.
 */
import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { execFileSync, spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { scifactDocs, tempDir, waitFor, writeDocs } from './helpers';

const repo = join(import.meta.dirname, '..', '..', '..');
const root = tempDir('kill9');
after(() => rmSync(root, { recursive: true, force: true }));

function runIndex(docs: string, db: string) {
  return spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'index', docs, '--db', db], {
    cwd: repo,
    // Its own data folder: the CLI never reads or writes the person's (~/.config/Trove).
    env: { ...process.env, TROVE_DATA_DIR: join(root, 'user-data') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function indexedFiles(db: string): Map<string, number> {
  const conn = new Database(db, { readonly: true, fileMustExist: true });
  try {
    const rows = conn.prepare("SELECT path, id FROM files WHERE state = 'indexed'").all() as { path: string; id: number }[];
    return new Map(rows.map((r) => [r.path, r.id]));
  } finally {
    conn.close();
  }
}

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('kill -9 during indexing, then restart: no file lost or duplicated, finished files not re-embedded, integrity ok', async () => {
  const docs = join(root, 'docs');
  const db = join(root, 'data', 'index.sqlite');
  const corpus = scifactDocs(90, 1000);
  writeDocs(docs, corpus);

  const first = runIndex(docs, db);
  let stderr = '';
  first.stderr.on('data', (d) => (stderr += d));
  const exited = new Promise<NodeJS.Signals | null>((r) => first.once('exit', (_code, signal) => r(signal)));
  await waitFor(
    'some files to be indexed before the kill',
    () => {
      try {
        return indexedFiles(db).size >= 15;
      } catch {
        return false; // database not created yet
      }
    },
    180_000,
  ).catch((err) => {
    throw new Error(`${(err as Error).message}\n${stderr}`);
  });
  const workers = execFileSync('pgrep', ['-P', String(first.pid)], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  first.kill('SIGKILL');
  assert.equal(await exited, 'SIGKILL');
  const done = indexedFiles(db);
  assert.ok(done.size >= 15 && done.size < corpus.length, `kill came too late: ${done.size} of ${corpus.length} done`);
  // The embedding process must not outlive the killed CLI.
  await waitFor('the embedding process to exit after its parent was killed', () => workers.every((pid) => !alive(pid)), 15_000);

  const second = runIndex(docs, db);
  let out = '';
  second.stdout.on('data', (d) => (out += d));
  let err2 = '';
  second.stderr.on('data', (d) => (err2 += d));
  const code = await new Promise<number | null>((r) => second.once('exit', (c) => r(c)));
  assert.equal(code, 0, err2);
  const summary = JSON.parse(out.trim().split('\n').at(-1)!) as Record<string, number>;
  assert.equal(summary.filesIndexed, corpus.length);
  assert.equal(summary.embedded, corpus.length - done.size, 'finished files were embedded again (or some were skipped)');

  const after = indexedFiles(db);
  for (const [path, id] of done) assert.equal(after.get(path), id, `${path} was rewritten after the restart`);
  const conn = new Database(db, { readonly: true });
  const one = (sql: string) => (conn.prepare(sql).get() as { n: number | string }).n;
  assert.equal(one('SELECT COUNT(*) AS n FROM files'), corpus.length);
  assert.equal(one('SELECT COUNT(DISTINCT path) AS n FROM files'), corpus.length);
  assert.equal(one('SELECT COUNT(*) AS n FROM files f WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.file_id = f.id)'), 0);
  assert.equal(one('SELECT COUNT(*) AS n FROM chunks c WHERE NOT EXISTS (SELECT 1 FROM vectors v WHERE v.chunk_id = c.id)'), 0);
  assert.equal(one('SELECT COUNT(*) AS n FROM vectors v WHERE NOT EXISTS (SELECT 1 FROM chunks c WHERE c.id = v.chunk_id)'), 0);
  assert.equal((conn.pragma('integrity_check', { simple: true }) as string), 'ok');
  conn.close();
});
