/**
 * The embedding process as the app and CLI use it: a real child process running the real model.
 * Crashes are real too: the test SIGKILLs the process while a request is in flight.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { EmbedderProcess } from '../../../src/core/embed/embedder-process';
import { EmbeddingEngine } from '../../../src/core/embed/engine';
import { defaultModelDir } from '../../../src/core/embed/model-files';
import { dot } from '../../../src/core/embed/similarity';

const abstracts = Array.from({ length: 120 }, (_, i) => `Document ${i}: ` + 'cells respond to stress by changing gene expression. '.repeat(1 + (i % 9)));

let proc: EmbedderProcess;
before(async () => {
  // fp32 ("exact"): same text, same vector whatever the batching (int8 quantises per batch).
  proc = await EmbedderProcess.start({ textsPerRequest: 16, variant: 'exact' });
});
after(() => proc.close());

test('vectors through the process boundary equal the in-process engine, in order', async () => {
  const engine = EmbeddingEngine.create({ variant: 'exact' });
  const [viaProcess, direct] = [await proc.encode(abstracts.slice(0, 40)), await engine.encode(abstracts.slice(0, 40))];
  await engine.close();
  assert.equal(viaProcess.length, 40);
  viaProcess.forEach((v, i) => assert.ok(dot(v, direct[i]) > 0.99999, `text ${i}`));
  assert.equal(proc.modelId, engine.modelId);
  assert.equal(proc.dimension, 384);
});

test('10,000 texts in one call: split into bounded requests, all answered in order', async () => {
  const texts = Array.from({ length: 10_000 }, (_, i) => (i % 3 === 0 ? '' : `q${i % 50}`));
  const vs = await proc.encode(texts, { batchSize: 64 });
  assert.equal(vs.length, 10_000);
  assert.ok(dot(vs[1], vs[1 + 150]) > 0.99999, 'same text, same vector');
  assert.ok(dot(vs[1], vs[2]) < 0.999, 'different texts differ');
});

test('a search query sent during bulk indexing is answered before the bulk work finishes', async () => {
  const order: string[] = [];
  const bulkTexts = [...abstracts, ...abstracts].map((t, i) => `${t} (${i})`);
  const bulk = proc.encode(bulkTexts, { batchSize: 8 }).then((v) => (order.push('bulk'), v));
  await new Promise((r) => setTimeout(r, 200));
  const query = proc.encode(['what do cells do under stress?'], { priority: 'high' }).then((v) => (order.push('query'), v));
  const [bulkVectors, [q]] = await Promise.all([bulk, query]);
  assert.deepEqual(order, ['query', 'bulk']);
  assert.equal(bulkVectors.length, bulkTexts.length);
  // Interleaving does not change the vectors: bulk results equal a plain run, in order.
  const plain = await proc.encode(bulkTexts.slice(0, 30));
  plain.forEach((v, i) => assert.ok(dot(v, bulkVectors[i]) > 0.99999, `text ${i}`));
  assert.equal(q.length, 384);
});

test('a crash mid-request (SIGKILL) restarts the process and the request still completes', async () => {
  const restarts = proc.restarts;
  const expected = await proc.encode(abstracts);
  const pending = proc.encode(abstracts);
  await new Promise((r) => setTimeout(r, 150));
  process.kill(proc.pid!, 'SIGKILL');
  const got = await pending;
  assert.equal(proc.restarts, restarts + 1);
  got.forEach((v, i) => assert.ok(dot(v, expected[i]) > 0.99999, `text ${i} after restart`));
});

test('a request that keeps crashing the process fails with a clear error, and later requests succeed', async () => {
  const pending = proc.encode(abstracts, { batchSize: 4 });
  const rejected = assert.rejects(pending, /embedding process stopped unexpectedly .* gave up after 2 attempts/);
  for (let i = 0; i < 2; i++) {
    await new Promise((r) => setTimeout(r, 300)); // the request is being worked on
    const pid = proc.pid;
    if (pid) process.kill(pid, 'SIGKILL');
    // wait for the restart (and the resend) before killing again
    for (let t = 0; t < 100 && proc.pid === pid; t++) await new Promise((r) => setTimeout(r, 50));
    await proc.whenReady();
  }
  await rejected;
  const [v] = await proc.encode(['still working']);
  assert.equal(v.length, 384);
});

test('a process killed while starting up is started again, and work sent meanwhile completes', async () => {
  const pid = proc.pid!;
  process.kill(pid, 'SIGKILL');
  for (let t = 0; t < 100 && proc.pid === pid; t++) await new Promise((r) => setTimeout(r, 20));
  process.kill(proc.pid!, 'SIGKILL'); // dies again before it is ready
  const [v] = await proc.encode(['after two deaths']);
  assert.equal(v.length, 384);
});

test('a damaged model file is refused with an error naming the file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trove-model-'));
  try {
    cpSync(defaultModelDir(), dir, { recursive: true });
    writeFileSync(join(dir, 'tokenizer.json'), '{"damaged": true}');
    const damaged = await EmbedderProcess.start({ modelDir: dir });
    await assert.rejects(damaged.encode(['hello']), new RegExp(`model file damaged: ${join(dir, 'tokenizer.json')}`));
    await damaged.close();
    await assert.rejects(EmbedderProcess.start({ modelDir: join(dir, 'missing') }), /model folder not found: .*missing/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
