#!/usr/bin/env node
/**
 * better-sqlite3 is a native module compiled for one ABI at a time: plain Node (tests, CLI, web host)
 * or Electron (the app). `npm test` and `npm start` call this first so each gets the build it needs.
 *
 *   node scripts/native.mjs node      make better-sqlite3 load in this Node (npm rebuild if needed)
 *   node scripts/native.mjs electron  rebuild it for Electron's ABI (`npm start`, `npm run dist`)
 *   --strict  fail when the rebuild fails   --quiet  no "ok" line
 *
 * Before anything slow, `electron` mode checks what `npm start` cannot do without and stops within
 * seconds with one line saying what is missing and what to do: Electron's binary (downloaded at
 * install time), Node.js 22.12 or newer (Electron 45's tooling), and, when the SQLite module has to
 * be rebuilt, Electron's headers (cached, or reachable on the network).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const mode = args.find((a) => !a.startsWith('--'));
const strict = args.includes('--strict');
const quiet = args.includes('--quiet');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
// Remembers which ABI the current build is for, so `npm start` does not rebuild every time.
const marker = join(root, 'node_modules', '.trove-native-abi');

function run(cmd, cmdArgs, opts = {}) {
  return spawnSync(cmd, cmdArgs, { cwd: root, encoding: 'utf8', shell: process.platform === 'win32', ...opts });
}

function loadsInNode() {
  const probe = run(process.execPath, ['-e', "new (require('better-sqlite3'))(':memory:').close()"]);
  return { ok: probe.status === 0, error: `${probe.stderr ?? ''}`.trim() };
}

function say(line) {
  if (!quiet) process.stdout.write(`native: ${line}\n`);
}

function fail(line) {
  process.stderr.write(`native: ${line}\n`);
  process.exit(1);
}

function ensureNode() {
  let probe = loadsInNode();
  if (probe.ok) {
    writeFileSync(marker, `node-${process.versions.modules}\n`);
    return say(`better-sqlite3 ok for Node ${process.version}`);
  }
  if (!/NODE_MODULE_VERSION|was compiled against|invalid ELF|Could not locate the bindings/.test(probe.error)) {
    fail(`better-sqlite3 does not load in Node:\n${probe.error}`);
  }
  process.stdout.write('native: better-sqlite3 was built for another runtime (Electron?); rebuilding for Node…\n');
  const rebuilt = run(npm, ['rebuild', 'better-sqlite3'], { stdio: 'inherit' });
  probe = loadsInNode();
  if (rebuilt.status !== 0 || !probe.ok) fail(`could not rebuild better-sqlite3 for Node; try: npm rebuild better-sqlite3\n${probe.error}`);
  writeFileSync(marker, `node-${process.versions.modules}\n`);
  say(`better-sqlite3 rebuilt for Node ${process.version}`);
}

function electronVersion() {
  try {
    return JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;
  } catch {
    return null;
  }
}

/** Electron 45's tooling (electron, @electron/rebuild, @electron/get) declares this; older Node fails in odd places. */
const ELECTRON_TOOLING_NODE = [22, 12];

function nodeIsAtLeast([major, minor]) {
  const [m, n] = process.versions.node.split('.').map(Number);
  return m > major || (m === major && n >= minor);
}

/** The Electron binary that the electron package downloads at install time (path.txt names it). */
function electronBinaryPresent() {
  const dir = join(root, 'node_modules', 'electron');
  try {
    const rel = readFileSync(join(dir, 'path.txt'), 'utf8').trim();
    return rel !== '' && existsSync(join(dir, 'dist', rel));
  } catch {
    return false;
  }
}

/** True when Electron's headers for `version` are cached or their download answers within a few seconds. */
async function headersAvailable(version) {
  const cached = [join(homedir(), '.electron-gyp', version), join(homedir(), '.cache', 'electron-gyp', version)];
  if (cached.some((d) => existsSync(join(d, 'include', 'node', 'node_version.h')))) return true;
  const base = process.env.TROVE_ELECTRON_HEADERS_URL ?? 'https://electronjs.org/headers';
  try {
    const res = await fetch(`${base}/v${version}/node-v${version}-headers.tar.gz`, { method: 'HEAD', signal: AbortSignal.timeout(5000) });
    return res.ok;
  } catch {
    return false;
  }
}

async function ensureElectron() {
  const version = electronVersion();
  if (!version) fail('electron is not installed; run: npm install');
  if (!electronBinaryPresent()) {
    fail(
      `Electron's binary is missing (node_modules/electron/dist, downloaded by npm install): with network access run \`node node_modules/electron/install.js\` (behind a proxy set ELECTRON_GET_USE_PROXY=1 and HTTPS_PROXY). Without it use the web host: npm run serve`,
    );
  }
  if (!nodeIsAtLeast(ELECTRON_TOOLING_NODE)) {
    fail(
      `the desktop app's tooling (Electron 45) needs Node.js ${ELECTRON_TOOLING_NODE.join('.')} or newer; this is Node ${process.version}. Install a newer Node (the CLI, the web host and the tests run on Node 20)`,
    );
  }
  const want = `electron-${version}`;
  if (existsSync(marker) && readFileSync(marker, 'utf8').trim() === want) return say(`better-sqlite3 ok for Electron ${version}`);
  if (!(await headersAvailable(version))) {
    fail(
      `cannot rebuild the SQLite module for Electron ${version}: its headers are not cached and electronjs.org does not answer (offline?). Connect once and run npm start again, or use the web host: npm run serve`,
    );
  }
  const rebuild = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-rebuild.cmd' : 'electron-rebuild');
  const result = existsSync(rebuild)
    ? run(rebuild, ['--only', 'better-sqlite3', '--version', version, '--force'], { timeout: 5 * 60_000 })
    : run('npx', ['--no-install', 'electron-builder', 'install-app-deps'], { timeout: 5 * 60_000 });
  if (result.status === 0) {
    writeFileSync(marker, `${want}\n`);
    return say(`better-sqlite3 rebuilt for Electron ${version}`);
  }
  const output = `${result.stderr ?? ''}${result.stdout ?? ''}${result.error?.message ?? ''}`;
  const errors = output.split('\n').filter((l) => /^\s*(Error|gyp ERR!)/.test(l) && !/^\s+at /.test(l));
  const why = /network connectivity|ENOTFOUND|EAI_AGAIN|ECONNREFUSED|ETIMEDOUT|ECONNRESET/.test(output)
    ? "no network to download Electron's headers"
    : (errors.pop() ?? output.trim().split('\n').filter((l) => l.trim() && !/^\s+at /.test(l)).pop() ?? 'unknown error').trim();
  const line = `could not rebuild better-sqlite3 for Electron ${version} (${why}); the app will fail to open its index until this works — try: npx electron-rebuild -f -o better-sqlite3`;
  if (strict) fail(line);
  process.stdout.write(`native: ${line}\n`);
}

if (mode === 'node') ensureNode();
else if (mode === 'electron') await ensureElectron();
else fail('usage: node scripts/native.mjs node|electron [--strict] [--quiet]');
