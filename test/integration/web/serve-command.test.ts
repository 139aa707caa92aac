/**
 * `npm run serve -- --folder <dir>` as a user runs it: it prints an address with a token, indexes the
 * folder, answers searches, and stops cleanly on Ctrl+C.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';

const ROOT = join(import.meta.dirname, '..', '..', '..');

test('serve prints a tokened 127.0.0.1 address, indexes the folder, answers, and stops on SIGINT', { timeout: 180_000 }, async () => {
  const root = mkdtempSync(join(tmpdir(), 'trove-serve-'));
  const docs = join(root, 'docs');
  const ui = join(root, 'ui');
  mkdirSync(docs);
  mkdirSync(ui);
  writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Trove</title>');
  writeFileSync(join(docs, 'tides.txt'), 'The Moon pulls on the oceans, which is why there are two high tides a day.\n');
  writeFileSync(join(docs, 'bread.txt'), 'Knead the dough for ten minutes and let it rise until doubled.\n');

  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'serve', '--folder', docs, '--data', join(root, 'data'), '--renderer', ui], {
    cwd: ROOT,
    env: { ...process.env, TROVE_DATA_DIR: join(root, 'data') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  try {
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setInterval(() => {
        const m = /Trove is running at (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/.exec(out);
        if (m) {
          clearInterval(timer);
          resolve(m[1]);
        }
      }, 100);
      void exited.then((code) => reject(new Error(`serve exited early (${code}): ${err}`)));
    });
    const { origin, searchParams } = new URL(url);
    const call = async (method: string, args: unknown[]) => {
      const res = await fetch(`${origin}/api/${method}`, { method: 'POST', headers: { 'x-trove-token': searchParams.get('token')! }, body: JSON.stringify(args) });
      return (await res.json()) as { result: never };
    };

    assert.equal((await fetch(`${origin}/api/status`, { method: 'POST', body: '[]' })).status, 401);
    const deadline = Date.now() + 120_000;
    let status: { state: string; filesIndexed: number };
    do {
      await new Promise((r) => setTimeout(r, 300));
      status = (await call('status', [])).result;
    } while ((status.state !== 'idle' || status.filesIndexed < 2) && Date.now() < deadline);
    assert.equal(status.filesIndexed, 2);

    const found = (await call('search', [{ text: 'why does the sea rise and fall twice daily' }])).result as { hits: { name: string }[] };
    assert.equal(found.hits[0].name, 'tides.txt');
  } finally {
    child.kill('SIGINT');
    const code = await exited;
    rmSync(root, { recursive: true, force: true });
    assert.equal(code, 0, `serve stops cleanly on Ctrl+C: ${err}`);
    assert.match(out, /stopping/);
  }
});
