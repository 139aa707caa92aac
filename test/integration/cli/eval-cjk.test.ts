/**
 * Issue 20 item 3: the Chinese retrieval check through the real CLI, the real model and a real index,
 * on real Chinese STS-B pairs (../shared/eval): sentences with a gold-5 partner find it by their words.
 * And `eval beir --qrels` takes only a split that exists.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { pairRetrieval } from '../../../src/core/eval/pair-retrieval';
import { readSts } from '../../../src/core/eval/sts';
import { tempDir } from '../indexing/helpers';

const repo = join(import.meta.dirname, '..', '..', '..');
const root = tempDir('eval-cjk');
after(() => rmSync(root, { recursive: true, force: true }));

const cli = (args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: repo, encoding: 'utf8', env: { ...process.env, TROVE_DATA_DIR: join(root, 'user-data') } });

test('eval cjk: the first 300 pairs of Chinese STS-B test, each sentence with a gold-5 partner finds it first by words alone in most cases', () => {
  const pairs = join(root, 'pairs.tsv');
  writeFileSync(pairs, readFileSync(join(repo, '..', 'shared', 'eval', 'stsb-zh', 'test.tsv'), 'utf8').split('\n').slice(0, 300).join('\n'));
  const expected = pairRetrieval(readSts(pairs).pairs);
  const run = cli(['eval', 'cjk', pairs, '--mode', 'words']);
  assert.equal(run.status, 0, run.stderr);
  const figures = JSON.parse(run.stdout) as Record<string, number>;
  assert.equal(figures.queries, expected.relevant.size);
  assert.equal(figures.sentences, expected.docs.size);
  // Measured on this slice (issue 20): 84.9 / 76.9 % first; before the words line (keyword-query.ts) 21.7 / 19.2 %.
  assert.ok(figures.words_first_pct >= 70, run.stdout);
  assert.ok(figures.words_ndcg_at_10 >= 75, run.stdout);
});

test('eval beir --qrels takes train or test only', () => {
  const run = cli(['eval', 'beir', join(root, 'no-such-folder'), '--qrels', 'dev']);
  assert.notEqual(run.status, 0);
  assert.match(run.stderr, /--qrels must be train or test/);
});
