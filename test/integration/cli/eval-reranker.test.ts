/**
 * `trove eval sts --reranker`: the STS figure of a cross-encoder through the real CLI, the real
 * embedding process and the tiny fixture. The "gold" column is sentence-transformers' own scores of
 * the same pairs (the fixture's golden file), so Trove's Spearman against them is 100 exactly when it
 * orders every pair as CrossEncoder.predict does.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { shippedModelsDir } from '../../../src/core/embed/model-files';
import { tempDir } from '../indexing/helpers';

const repo = join(import.meta.dirname, '..', '..', '..');
const TINY = join(shippedModelsDir(), 'test-fixtures', 'tiny-cross-encoder');
const golden = JSON.parse(readFileSync(join(repo, 'test', 'fixtures', 'golden', 'tiny-cross-encoder', 'scores.json'), 'utf8')) as {
  pairs: { query: string; passage: string; score: number }[];
};
const work = tempDir('eval-reranker');
after(() => rmSync(work, { recursive: true, force: true }));

function trove(...args: string[]) {
  const env: NodeJS.ProcessEnv = { ...process.env, TROVE_DATA_DIR: join(work, 'data') };
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repo, 'src', 'cli', 'main.ts'), ...args], { cwd: repo, env, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

test('eval sts --reranker orders pairs exactly as sentence-transformers does (Spearman 100 against its scores)', () => {
  // Tabs and newlines would break the three-field layout; the golden pairs with them are left out.
  const pairs = golden.pairs.filter((p) => p.query && p.passage && !/[\t\n]/.test(p.query + p.passage));
  assert.ok(pairs.length >= 20);
  const file = join(work, 'pairs.tsv');
  writeFileSync(file, pairs.map((p) => `${p.query}\t${p.passage}\t${p.score}`).join('\n') + '\n');
  const r = trove('eval', 'sts', file, '--reranker', TINY);
  assert.equal(r.code, 0, r.err);
  const result = JSON.parse(r.out.trim().split('\n').at(-1)!) as { model: string; spearman: number; pairs: number };
  assert.equal(result.model, 'trove/tiny-cross-encoder');
  assert.equal(result.pairs, pairs.length);
  assert.equal(result.spearman, 100);
});

test('eval sts --reranker refuses a folder that is not a cross-encoder, saying so', () => {
  const r = trove('eval', 'sts', join(repo, '..', 'shared', 'eval', 'stsb', 'sts-dev.csv'), '--reranker', join(shippedModelsDir(), 'all-MiniLM-L6-v2'));
  assert.equal(r.code, 2);
  assert.match(r.err, /is not a cross-encoder \(re-ranker\) folder/);
});
