#!/usr/bin/env node
/**
 * node:test over TypeScript files: Node 20's `--test` does not expand globs and does not look for .ts,
 * so find the *.test.ts files under the given folders here and run them one file at a time.
 *
 *   node scripts/run-tests.mjs test/unit test/integration [file.test.ts] [--test-name-pattern=...]
 *
 * Tests never read or write the person's own data folder (~/.config/Trove and the like): they run
 * with HOME pointing at a throw-away home whose Trove folder holds a poisoned models.json (it chooses
 * a "model" that is refused on load), so a test that reads the real user folder fails loudly; after
 * the run, anything a test wrote there is reported as a failure. Each test gives the CLI, the web host
 * and the engine its own data folder (TROVE_DATA_DIR or --data).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join, relative } from 'node:path';

const args = process.argv.slice(2);
const folders = args.filter((a) => !a.startsWith('--'));
const passThrough = args.filter((a) => a.startsWith('--'));

function find(dir) {
  if (!existsSync(dir)) return [];
  if (statSync(dir).isFile()) return dir.endsWith('.test.ts') ? [dir] : [];
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'node_modules' || e.name === 'fixtures' ? [] : find(path);
    return e.name.endsWith('.test.ts') ? [path] : [];
  });
}

const files = folders.flatMap(find).map((f) => relative(process.cwd(), f)).sort();
if (files.length === 0) {
  process.stdout.write(`no *.test.ts files under ${folders.join(', ')}\n# pass 0\n# fail 0\n`);
  process.exit(0);
}
/** A home whose user data folder a test must never use; returns it and the files it holds. */
function poisonedHome() {
  const home = mkdtempSync(join(tmpdir(), 'trove-test-home-'));
  const userData = join(home, '.config', 'Trove');
  // Exists and has modules.json, so the model library takes it; the engine refuses it on load.
  const model = join(userData, 'poisoned-model-read-from-the-real-user-folder');
  mkdirSync(model, { recursive: true });
  writeFileSync(join(model, 'modules.json'), '[]');
  writeFileSync(join(userData, 'models.json'), JSON.stringify({ current: model }, null, 2));
  return home;
}

/** Files in the places Trove keeps a person's data (other tools — npm, Chromium — may write their own caches). */
function userDataFiles(home) {
  const places = [join('.config', 'Trove'), join('Library', 'Application Support', 'Trove'), join('AppData', 'Roaming', 'Trove')];
  return places.filter((p) => existsSync(join(home, p))).flatMap((p) => readdirSync(join(home, p), { recursive: true }).map((f) => join(p, String(f)))).sort();
}

const home = poisonedHome();
const before = userDataFiles(home);
const env = {
  ...process.env,
  HOME: home,
  USERPROFILE: home,
  APPDATA: join(home, 'AppData', 'Roaming'),
  // Models built outside git by tools/model (golden-models.test.ts) stay where they are.
  TROVE_MODEL_CACHE: process.env.TROVE_MODEL_CACHE ?? join(homedir(), '.cache', 'trove-models'),
};
delete env.XDG_CONFIG_HOME;
delete env.TROVE_DATA_DIR;
const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...passThrough, ...files], { stdio: 'inherit', env });
const written = userDataFiles(home).filter((f) => !before.includes(f));
rmSync(home, { recursive: true, force: true });
if (written.length > 0) {
  // In node:test's summary form, so CI counts it with the rest.
  process.stdout.write(`not ok - a test wrote into the user's home folder: ${written.slice(0, 5).join(', ')}\n# fail 1\n`);
  process.exit(1);
}
process.exit(run.status ?? 1);
