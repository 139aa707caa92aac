/**
 * Issue 9: hybrid search through the command line, as a person meets it. Real CLI processes, the
 * real model, a real SQLite index of real documents nobody here wrote (git's own manual pages from
 * Debian's git-doc, a Chinese text): exact phrases, options typed as queries, file names, a
 * two-character Chinese word, a misspelled query, exclusions, filters, "no good matches", similar files.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, rmSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { SearchResponse } from '../../../src/shared/types';
import { tempDir } from '../indexing/helpers';

const repo = join(import.meta.dirname, '..', '..', '..');
const fixtures = join(repo, 'test', 'fixtures', 'documents');
const root = tempDir('hybrid-cli');
const docs = join(root, 'docs');
const db = join(root, 'data', 'index.sqlite');
after(() => rmSync(root, { recursive: true, force: true }));

async function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  // Its own data folder: the CLI never reads or writes the person's (~/.config/Trove).
  const env = { ...process.env, TROVE_DATA_DIR: join(root, 'user-data') };
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: repo, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((r) => child.once('exit', r));
  return { code, stdout, stderr };
}

async function search(...args: string[]): Promise<SearchResponse> {
  const run = await cli(['search', '--db', db, '--json', ...args]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout) as SearchResponse;
}
const names = (r: SearchResponse) => r.hits.map((h) => h.name);

describe('hybrid search on real documents (CLI)', () => {
  before(async () => {
    mkdirSync(join(docs, 'git'), { recursive: true });
    mkdirSync(join(docs, 'zh'), { recursive: true });
    for (const f of readdirSync(join(fixtures, 'git'))) copyFileSync(join(fixtures, 'git', f), join(docs, 'git', f));
    copyFileSync(join(fixtures, 'generated', 'chinese-utf8.txt'), join(docs, 'zh', 'privacy-notes.txt'));
    // Dates to filter on: the git pages are old, the Chinese note is recent.
    for (const f of readdirSync(join(docs, 'git'))) utimesSync(join(docs, 'git', f), new Date('2020-06-01'), new Date('2020-06-01'));
    const run = await cli(['index', join(docs), '--db', db]);
    assert.equal(run.code, 0, run.stderr);
  });

  test('an exact phrase copied from a page finds that page first, and only pages holding it', async () => {
    const r = await search('"Use git stash when you want to record the current state"');
    assert.equal(names(r)[0], 'git-stash.html');
    assert.deepEqual(names(r), ['git-stash.html'], 'the phrase occurs in no other file');
  });

  test('after --, a query that looks like a flag is a query: --no-ff finds git-merge first', async () => {
    const r = await search('--', '--no-ff');
    assert.equal(names(r)[0], 'git-merge.html', names(r).join(', '));
    assert.ok(r.hits[0].best.matchedTerms.includes('--no-ff'), JSON.stringify(r.hits[0].best.matchedTerms));
  });

  test('a file name finds that file first', async () => {
    assert.equal(names(await search('git-reflog'))[0], 'git-reflog.html');
    assert.equal(names(await search('cherry-pick'))[0], 'git-cherry-pick.html');
  });

  test('a two-character Chinese word finds the file holding it (the English model cannot read it; the keyword index can)', async () => {
    const r = await search('隐私');
    assert.equal(names(r)[0], 'privacy-notes.txt');
    assert.equal(r.quality, 'good');
    assert.equal(r.unsupportedScript?.script, 'Han', 'the English model says it does not read Chinese');
    assert.ok(r.unsupportedScript?.suggestedModel, 'and offers a model that does');
  });

  test('a misspelled query is corrected against the index vocabulary and the right page is in the top 3', async () => {
    const r = await search('stahs my chnages');
    assert.deepEqual(r.correction, { original: 'stahs my chnages', corrected: 'stash my changes' });
    assert.ok(names(r).slice(0, 3).includes('git-stash.html'), names(r).join(', '));
    const exact = await search('--exact', 'stahs my chnages');
    assert.equal(exact.correction, null, '--exact searches the words as typed');
    // Words these pages never use, spelled right, are not "corrected" into words they do use.
    const spelledRight = await search('temporarily save uncommitted changes without committing');
    assert.equal(spelledRight.correction, null, JSON.stringify(spelledRight.correction));
    assert.equal(names(spelledRight)[0], 'git-stash.html');
  });

  test('-word leaves out every file holding the word', async () => {
    const all = names(await search('undo a commit', '--k', '20'));
    const without = names(await search('undo a commit -bisect', '--k', '20'));
    assert.ok(all.includes('git-bisect.html'));
    assert.ok(!without.includes('git-bisect.html'), without.join(', '));
  });

  test('filters: --type and --after/--before narrow the files; a folder outside the index is an error', async () => {
    const txt = await search('privacy of search', '--type', 'txt');
    assert.deepEqual(names(txt), ['privacy-notes.txt']);
    const old = await search('merge branches', '--before', '2021-01-01');
    assert.ok(old.hits.length > 0 && old.hits.every((h) => h.fileType === 'html'));
    const recent = await search('merge branches', '--after', '2021-01-01');
    assert.ok(recent.hits.every((h) => h.name === 'privacy-notes.txt'));
    const bad = await cli(['search', '--db', db, 'merge', '--in', join(root, 'nowhere')]);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /--in .*nowhere: no such folder/);
  });

  test('a nonsense query says "No good matches" with a few greyed files instead of ten confident ones', async () => {
    const r = await search('zzqx');
    assert.equal(r.quality, 'none');
    assert.ok(r.hits.length <= 3);
    const text = await cli(['search', '--db', db, 'zzqx']);
    assert.match(text.stdout, /^No good matches\. Nearest files:/m);
  });

  test('similar: files like git-stash.html, never the file itself; an unindexed path is refused', async () => {
    const run = await cli(['similar', join(docs, 'git', 'git-stash.html'), '--db', db, '--json']);
    assert.equal(run.code, 0, run.stderr);
    const r = JSON.parse(run.stdout) as SearchResponse;
    assert.ok(r.hits.length > 0);
    assert.ok(!names(r).includes('git-stash.html'));
    assert.ok(names(r).slice(0, 3).every((n) => n.startsWith('git-')), names(r).join(', '));
    const missing = await cli(['similar', join(docs, 'git', 'nope.html'), '--db', db]);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /does not exist|not in the index/);
  });
});
