/**
 * Re-ranking from the command line, through the real CLI processes, the real engine and the real tiny
 * cross-encoder fixture, in this test's own data folder: `models list` shows re-rankers as their own
 * kind, `models add` takes one, `models use` refuses it, `models rerank <name> --db` chooses it for an
 * index, `search` says "re-ranked by …" (and --json carries `reranked`) until `--no-rerank` or
 * `models rerank --off`; every refusal exits non-zero with one line saying why.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { shippedModelsDir } from '../../../src/core/embed/model-files';
import type { SearchResponse } from '../../../src/shared/types';
import { scifactDocs, tempDir, writeDocs } from '../indexing/helpers';

const repo = join(import.meta.dirname, '..', '..', '..');
const TINY = join(shippedModelsDir(), 'test-fixtures', 'tiny-cross-encoder');
const LABEL = 'tiny cross-encoder (test fixture)';
const work = tempDir('cli-rerank');
const data = join(work, 'data');
const db = join(work, 'index', 'index.sqlite');
const QUERY = 'vitamin D and bone density';

function trove(...args: string[]): { code: number | null; out: string; err: string } {
  // Its own data folder: the models installed and chosen here are this test's, never the person's.
  const env: NodeJS.ProcessEnv = { ...process.env, TROVE_DATA_DIR: data };
  delete env.TROVE_MODEL_DIR;
  delete env.TROVE_MODEL;
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(repo, 'src', 'cli', 'main.ts'), ...args], { cwd: repo, env, encoding: 'utf8', timeout: 180_000 });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function ok(r: ReturnType<typeof trove>, what: string): string {
  assert.equal(r.code, 0, `${what}: ${r.err}`);
  return r.out;
}

const searchJson = (...flags: string[]) => JSON.parse(ok(trove('search', QUERY, '--db', db, '--json', ...flags), `search ${flags.join(' ')}`)) as SearchResponse;
const settings = () => JSON.parse(readFileSync(join(work, 'index', 'settings.json'), 'utf8')) as { reranker: string | null; rerank: boolean };

before(() => {
  writeDocs(join(work, 'docs'), scifactDocs(12));
  ok(trove('index', join(work, 'docs'), '--db', db), 'index');
});
after(() => rmSync(work, { recursive: true, force: true }));

test('models list shows the re-rankers as their own kind, with what each is for; add takes one, use refuses it', () => {
  const listed = ok(trove('models', 'list'), 'models list');
  const [models, rerankers] = listed.split('\n\n');
  assert.doesNotMatch(models, /ms-marco/, 'not among the models that embed');
  assert.match(rerankers, /^ +re-ranker +state +languages +size +licence +for$/m);
  assert.match(rerankers, /^ +ms-marco-MiniLM-L6-v2 +not downloaded +en +91 MB +Apache-2\.0 +Re-orders the best results of a search/m);
  assert.match(rerankers, /^ +bge-reranker-base +not downloaded +zh,en +1130 MB +MIT +Re-orders/m);
  assert.match(rerankers, /re-rankers are chosen per index: `models rerank <name> --db <index>`/);

  const added = ok(trove('models', 'add', TINY), 'models add');
  assert.equal(added, 'added tiny-cross-encoder; `npm run trove -- models rerank tiny-cross-encoder --db <index>` to re-rank that index\'s searches with it\n');
  assert.match(ok(trove('models', 'list'), 'models list').split('\n\n')[1], /^ +tiny-cross-encoder +folder +en +4\.\d MB +Apache-2\.0 +tests only$/m);

  const used = trove('models', 'use', 'tiny-cross-encoder');
  assert.equal(used.code, 1);
  assert.match(used.err, /^trove: tiny-cross-encoder is a re-ranker \(a cross-encoder\): .*cannot index files.*`trove models rerank tiny-cross-encoder --db <index>`\n$/);
});

test('models rerank chooses for one index, refusing what is not an installed re-ranker; search says it re-ranked, --no-rerank does not', () => {
  const unknown = trove('models', 'rerank', 'nope', '--db', db);
  assert.equal(unknown.code, 1);
  assert.equal(unknown.err, 'trove: no re-ranker named "nope" (installed re-rankers: tiny-cross-encoder)\n');
  const embedding = trove('models', 'rerank', 'all-MiniLM-L6-v2', '--db', db);
  assert.equal(embedding.code, 1);
  assert.match(embedding.err, /^trove: all-MiniLM-L6-v2 is a sentence-embedding model, not a re-ranker/);
  assert.equal(trove('models', 'rerank', '--db', join(work, 'nowhere.sqlite'), 'tiny-cross-encoder').code, 1, 'no index there');
  assert.equal(trove('models', 'rerank', 'tiny-cross-encoder').code, 2, '--db is required');
  assert.match(ok(trove('models', 'rerank', '--db', db), 'rerank (show)'), /is not re-ranked/);

  const asked = trove('search', QUERY, '--db', db, '--rerank');
  assert.equal(asked.code, 1, 'asked for, with none chosen');
  assert.match(asked.err, /^trove: index .* has no re-ranker: choose one with `trove models rerank <name> --db /);

  assert.equal(ok(trove('models', 'rerank', 'tiny-cross-encoder', '--db', db), 'rerank'), `index ${db} re-ranks with ${LABEL} from now on (\`search --no-rerank\` for one search without it)\n`);
  assert.deepEqual(settings(), { ...settings(), reranker: 'tiny-cross-encoder', rerank: true });
  const list = ok(trove('models', 'list', '--db', db), 'models list --db');
  assert.match(list, /^\+ +tiny-cross-encoder +folder/m);
  assert.match(list, new RegExp(`^index ${db} re-ranks with ${LABEL.replace(/[()]/g, '\\$&')}$`, 'm'));
  const json = JSON.parse(ok(trove('models', 'list', '--db', db, '--json'), 'list --json')) as { indexes: Array<{ reranker: string | null; rerank: boolean }> };
  assert.deepEqual(json.indexes.map((i) => [i.reranker, i.rerank]), [['tiny-cross-encoder', true]]);

  const text = ok(trove('search', QUERY, '--db', db), 'search');
  assert.match(text.trimEnd().split('\n').at(-1)!, new RegExp(`searched in [\\d.]+ ms; re-ranked by ${LABEL.replace(/[()]/g, '\\$&')} \\(its best \\d+ passages read again\\)$`));
  const reranked = searchJson();
  assert.equal(reranked.reranked?.model, 'tiny-cross-encoder');
  assert.equal(reranked.reranked?.label, LABEL);
  assert.equal(searchJson('--no-rerank').reranked, null);
  assert.doesNotMatch(ok(trove('search', QUERY, '--db', db, '--no-rerank'), 'search --no-rerank'), /re-ranked by/);

  assert.equal(trove('search', QUERY, '--db', db, '--rerank', '--no-rerank').code, 2);
  const words = trove('search', QUERY, '--db', db, '--rerank', '--mode', 'words');
  assert.equal(words.code, 2);
  assert.match(words.err, /--rerank re-orders hybrid and meaning searches/);
});

test('a damaged re-ranker: searches report it and keep the first order; asked for with --rerank, the exit code says so', () => {
  const graph = join(data, 'models', 'tiny-cross-encoder', 'onnx', 'model.onnx');
  const good = readFileSync(graph);
  try {
    const bad = Buffer.from(good);
    bad[bad.length >> 1] ^= 0xff;
    writeFileSync(graph, bad);
    const quiet = trove('search', QUERY, '--db', db);
    assert.equal(quiet.code, 0, quiet.err);
    assert.match(quiet.out, /^The re-ranker tiny cross-encoder \(test fixture\) could not run, so results are in their first order: .*model\.onnx/m);
    assert.doesNotMatch(quiet.out, /re-ranked by/);
    const asked = trove('search', QUERY, '--db', db, '--rerank');
    assert.equal(asked.code, 1);
    assert.match(asked.err, /^trove: The re-ranker tiny cross-encoder \(test fixture\) could not run/);
  } finally {
    writeFileSync(graph, good);
  }
});

test('models rerank --off (or none) stops; removing the re-ranker with --db un-chooses it for that index', () => {
  assert.equal(ok(trove('models', 'rerank', '--off', '--db', db), 'rerank --off'), `index ${db} is no longer re-ranked\n`);
  assert.equal(settings().reranker, null);
  assert.equal(searchJson().reranked, null);
  ok(trove('models', 'rerank', 'tiny-cross-encoder', '--db', db), 'rerank again');
  ok(trove('models', 'rerank', 'none', '--db', db), 'rerank none');
  assert.equal(settings().reranker, null);
  assert.equal(trove('models', 'rerank', 'tiny-cross-encoder', '--off', '--db', db).code, 2, 'a name and --off');

  ok(trove('models', 'rerank', 'tiny-cross-encoder', '--db', db), 'rerank again');
  assert.equal(ok(trove('models', 'remove', 'tiny-cross-encoder', '--db', db), 'remove'), `removed tiny-cross-encoder\nindex ${db} is no longer re-ranked\n`);
  assert.equal(settings().reranker, null);
  assert.doesNotMatch(ok(trove('models', 'list'), 'models list'), /tiny-cross-encoder/);
});
