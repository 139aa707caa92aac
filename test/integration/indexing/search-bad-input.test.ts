/**
 * Issue 9, bad input: whatever a person types or a client sends, search answers or says clearly what
 * is wrong — never an FTS5 syntax error, never a crash. The real model, real SQLite, real files.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EmbeddingEngine } from '../../../src/core/embed/engine';
import { loadTokenCounter } from '../../../src/core/embed/tokenizer';
import type { TroveService } from '../../../src/core/trove-service';
import { createTroveService } from '../../../src/core/service/create-service';
import { validateArgs } from '../../../src/shared/api';
import { tempDir } from './helpers';

const root = tempDir('search-bad-input');
const docs = join(root, 'docs');
const fixtures = join(import.meta.dirname, '..', '..', 'fixtures', 'documents');
let engine: EmbeddingEngine;
let service: TroveService;

before(async () => {
  mkdirSync(docs, { recursive: true });
  copyFileSync(join(fixtures, 'git', 'git-stash.html'), join(docs, 'git-stash.html'));
  copyFileSync(join(fixtures, 'generated', 'chinese-utf8.txt'), join(docs, 'notes.txt'));
  engine = EmbeddingEngine.create();
  service = await createTroveService({ dataDir: join(root, 'data'), embedder: engine, tokenCounter: await loadTokenCounter(), watch: false });
  await service.addFolder(docs);
  await service.whenIdle();
});
after(async () => {
  await service.close();
  await engine.close();
  rmSync(root, { recursive: true, force: true });
});

test('punctuation, FTS5 operators, unbalanced quotes, NUL, lone surrogates and 10,000 characters all get an answer', async () => {
  const queries = ['?!...', 'AND', 'NEAR(', '*', 'stash*', '"unbalanced quote', 'title:', 'a OR', '^', '-', '--', '"', 'st\0ash', 'stash \uD800 pop', 'stash '.repeat(1666).slice(0, 10_000)];
  for (const text of queries) {
    const r = await service.search({ text });
    assert.ok(Array.isArray(r.hits), JSON.stringify(text.slice(0, 20)));
  }
  // The operators are words: "stash*" finds the stash page as "stash" does.
  assert.equal((await service.search({ text: 'stash*' })).hits[0]?.name, 'git-stash.html');
});

test('filters naming an unknown folder or a type Trove never indexes are refused with a clear message', async () => {
  await assert.rejects(service.search({ text: 'stash', filters: { folders: [join(root, 'elsewhere')] } }), { name: 'InvalidArgumentsError', message: /is not an indexed folder/ });
  await assert.rejects(service.search({ text: 'stash', filters: { types: ['exe'] } }), { name: 'InvalidArgumentsError', message: /does not index files of type exe/ });
  assert.throws(() => validateArgs('search', [{ text: 'x'.repeat(10_001) }]), /10000|10,000|too long|at most/i);
  assert.throws(() => validateArgs('search', [{ text: 'stash', filters: { after: 2000, before: 1000 } }]), /after.*earlier/);
  const none = await service.search({ text: 'stash', filters: { types: ['pdf'] } });
  assert.deepEqual(none.hits, [], 'a known type with no files: an empty answer, not an error');
});

test('similarTo: a passage of another file is refused; a file outside the index is not found', async () => {
  const stash = (await service.search({ text: 'stash' })).hits.find((h) => h.name === 'git-stash.html')!;
  const notes = (await service.search({ text: '隐私' })).hits.find((h) => h.name === 'notes.txt')!;
  await assert.rejects(service.similarTo({ path: stash.path, chunkId: notes.best.chunkId }), { name: 'InvalidArgumentsError' });
  await assert.rejects(service.similarTo({ path: join(docs, 'missing.txt') }), /does not exist/);
  const like = await service.similarTo({ path: stash.path, chunkId: stash.best.chunkId });
  assert.deepEqual(like.hits.map((h) => h.name), ['notes.txt'], 'the only other file, never the file itself');
});
