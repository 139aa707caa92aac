/**
 * Issue 12 item 9: `npm start` without what it needs stops within seconds with one line saying what is
 * missing and what to do (it used to spend up to 10 minutes on a rebuild, then print a stack trace).
 * Electron's binary cannot be downloaded here, so the script runs for real against a copy of the
 * project layout in which it is missing (or present as a stand-in file).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';

const repo = join(import.meta.dirname, '..', '..', '..');
const roots: string[] = [];
after(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

/** A project folder with scripts/native.mjs and an installed `electron` package (no binary unless asked). */
function project(withBinary: boolean): string {
  const root = mkdtempSync(join(tmpdir(), 'trove-native-'));
  roots.push(root);
  mkdirSync(join(root, 'scripts'));
  cpSync(join(repo, 'scripts', 'native.mjs'), join(root, 'scripts', 'native.mjs'));
  const electron = join(root, 'node_modules', 'electron');
  mkdirSync(electron, { recursive: true });
  const version = (JSON.parse(readFileSync(join(repo, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
  writeFileSync(join(electron, 'package.json'), JSON.stringify({ name: 'electron', version }));
  if (withBinary) {
    writeFileSync(join(electron, 'path.txt'), 'electron');
    mkdirSync(join(electron, 'dist'));
    writeFileSync(join(electron, 'dist', 'electron'), '');
  }
  return root;
}

function runElectronMode(root: string) {
  const t0 = Date.now();
  // Offline and nothing cached: HOME has no ~/.electron-gyp, the headers URL refuses connections.
  const run = spawnSync(process.execPath, [join(root, 'scripts', 'native.mjs'), 'electron'], {
    encoding: 'utf8',
    timeout: 60_000,
    env: { ...process.env, HOME: root, TROVE_ELECTRON_HEADERS_URL: 'http://127.0.0.1:9' },
  });
  return { ...run, ms: Date.now() - t0, lines: run.stderr.trim().split('\n').filter(Boolean) };
}

test('a missing Electron binary: exit 1 within seconds, one line naming it and the command that fetches it', () => {
  const run = runElectronMode(project(false));
  assert.equal(run.status, 1);
  assert.ok(run.ms < 10_000, `took ${run.ms} ms`);
  assert.equal(run.lines.length, 1, run.stderr);
  assert.match(run.lines[0], /^native: Electron's binary is missing .*node node_modules\/electron\/install\.js/);
});

test('with the binary: a too-old Node, or offline without cached headers, is one line and a quick exit', () => {
  const run = runElectronMode(project(true));
  assert.equal(run.status, 1);
  assert.ok(run.ms < 15_000, `took ${run.ms} ms`);
  assert.equal(run.lines.length, 1, run.stderr);
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 12)) {
    assert.match(run.lines[0], /needs Node\.js 22\.12 or newer; this is Node v\d+.*the CLI, the web host and the tests run on Node 20/);
  } else {
    assert.match(run.lines[0], /headers are not cached and electronjs\.org does not answer/);
  }
});
