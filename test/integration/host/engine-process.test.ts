/**
 * The engine in its own process, as every host now runs it: calls and events cross with their types
 * and error names, the engine's work happens in another pid, and when that process dies the calls in
 * flight fail with a sentence saying so (never hang), the host is told, and the engine comes back with
 * the index it had. Real engine, real model, real files, real processes.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { apiMethods } from '../../../src/shared/api';
import type { IndexProgress } from '../../../src/shared/types';
import { startEngine, type EngineClient } from '../../../src/core/host/engine-client';
import { nodeChildLauncher } from '../../../src/core/process/node-child';
import { scifactDocs, tempDir, waitFor, writeDocs } from '../indexing/helpers';

describe('engine process', () => {
  let root: string;
  let docs: string;
  let engine: EngineClient;
  const crashes: string[] = [];
  const progress: IndexProgress[] = [];
  let changes = 0;

  before(async () => {
    root = tempDir('engine');
    docs = join(root, 'docs');
    writeDocs(docs, scifactDocs(40));
    engine = await startEngine({ init: { dataDir: join(root, 'data') }, onCrash: (why) => crashes.push(why) });
    engine.on('progress', (p) => progress.push(p));
    engine.on('indexChanged', () => changes++);
  });
  after(async () => {
    await engine?.close();
  });

  test('runs in another process and answers every API method by name', async () => {
    assert.ok(engine.pid && engine.pid !== process.pid);
    // Every method of the shared contract is a function on the client, none listed by hand.
    for (const m of apiMethods) assert.equal(typeof engine[m], 'function', m);
    assert.deepEqual(await engine.listFolders(), []);
    assert.equal((await engine.modelInfo()).dimension, 384);
    assert.deepEqual(await engine.listBanks(), []);
  });

  test('indexes a folder there, relays its events here, and searches it', async () => {
    await engine.addFolder(docs);
    await engine.whenIdle();
    assert.equal((await engine.status()).filesIndexed, 40);
    assert.ok(progress.some((p) => p.state === 'indexing' || p.state === 'scanning'), 'progress events arrived');
    assert.ok(changes > 0, 'indexChanged events arrived');
    const [first] = scifactDocs(1);
    const { hits } = await engine.search({ text: first.title, k: 3 });
    assert.equal(hits[0].path, join(docs, `${first.id}.txt`));
  });

  test("the engine's errors keep their names (hosts map them to HTTP statuses and dialogs)", async () => {
    await assert.rejects(engine.preview('/etc/passwd', 0, 10), { name: 'OutsideFoldersError', message: /not inside an indexed folder/ });
    await assert.rejects(engine.removeFolder(join(root, 'nowhere')), { name: 'NotFoundError' });
  });

  test('a crash fails the calls in flight with a message, tells the host, and the engine restarts with its index', async () => {
    const before = engine.pid!;
    writeFileSync(join(docs, 'late.txt'), 'A note written while the engine was busy.\n');
    // A slow call in flight: a question bank import of many rows.
    const rows = scifactDocs(2000).map((d) => `"${d.title.replaceAll('"', '""')}"`).join('\n');
    const inFlight = engine.importBank('titles.csv', Buffer.from(`question\n${rows}\n`).toString('base64'), { bank: 'titles' });
    await new Promise((r) => setTimeout(r, 300));
    progress.length = 0;
    process.kill(before, 'SIGKILL');
    const started = Date.now();
    await assert.rejects(inFlight, { name: 'ProcessCrashedError', message: /index process stopped unexpectedly.*being restarted/ });
    assert.ok(Date.now() - started < 5000, 'the call failed at once rather than waiting');
    assert.equal(crashes.length, 1);
    assert.match(crashes[0], /signal SIGKILL/);

    // Calls made now wait for the restart and are answered by the new process, over the same index.
    const folders = await engine.listFolders();
    assert.notEqual(engine.pid, before);
    assert.equal(engine.restarts, 1);
    assert.deepEqual(folders.map((f) => f.path), [docs]);
    await engine.whenIdle();
    assert.equal((await engine.status()).filesIndexed, 41, 'the file written meanwhile was picked up on restart');
    // The UI is sent fresh state after a restart (its progress panel would be stale).
    await waitFor('a progress event after the restart', () => progress.length > 0);
  });

  test('after close, calls fail at once with a message', async () => {
    await engine.close();
    await assert.rejects(engine.status(), /index process is stopped/);
  });
});

test('an engine process that cannot start is reported, not waited for', async () => {
  const root = tempDir('engine-bad');
  const file = join(root, 'not-a-folder');
  writeFileSync(file, 'a file where the data folder should be');
  await assert.rejects(startEngine({ init: { dataDir: file } }), (err: Error) => /not-a-folder|ENOTDIR|EEXIST/.test(err.message));

  // A process that dies before it is ready, every time: four tries with backoff, then a clear error.
  const dies = join(root, 'dies.mjs');
  writeFileSync(dies, 'process.exit(3);\n');
  const started = Date.now();
  await assert.rejects(startEngine({ init: { dataDir: join(root, 'data') }, launch: nodeChildLauncher({ entry: dies, execArgv: [] }) }), {
    message: /could not start: it exited 4 times before it was ready \(last: code 3/,
  });
  assert.ok(Date.now() - started < 15_000);
});
