#!/usr/bin/env node
/**
 * node:test over TypeScript files: Node 20's `--test` does not expand globs and does not look for .ts,
 * so find the *.test.ts files under the given folders here and run them one file at a time.
 *
 *   node scripts/run-tests.mjs test/unit test/integration [file.test.ts] [--test-name-pattern=...]
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
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
const run = spawnSync(process.execPath, ['--import', 'tsx', '--test', '--test-concurrency=1', ...passThrough, ...files], { stdio: 'inherit' });
process.exit(run.status ?? 1);
