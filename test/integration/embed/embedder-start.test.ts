/**
 * Issue 12 item 4: an embedding process that dies before it reports ready is restarted with backoff,
 * like one that dies later; only a process that keeps dying while starting is an error. Real child
 * processes running the real worker, really killed with SIGKILL right after they are forked.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EmbedderProcess, nodeChildLauncher } from '../../../src/core/embed/embedder-process';
import type { WorkerLauncher } from '../../../src/core/embed/protocol';

/** Starts real embedding processes and SIGKILLs the first `deaths` of them before they can say ready. */
function killedWhileStarting(deaths: number): WorkerLauncher & { launched: number; killed: number[] } {
  const real = nodeChildLauncher();
  const launcher = Object.assign(
    () => {
      const handle = real();
      launcher.launched++;
      if (launcher.killed.length < deaths) {
        launcher.killed.push(handle.pid!);
        handle.kill(); // SIGKILL, before the worker has even loaded its modules
      }
      return handle;
    },
    { launched: 0, killed: [] as number[] },
  );
  return launcher;
}

test('a process killed before it is ready is restarted, and the embedder starts and encodes', async () => {
  const launch = killedWhileStarting(2);
  const embedder = await EmbedderProcess.start({ launch });
  try {
    assert.equal(launch.killed.length, 2);
    assert.equal(launch.launched, 3);
    assert.equal(embedder.restarts, 2);
    const [v] = await embedder.encode(['the lighthouse keeper counted ships']);
    assert.equal(v.length, 384);
  } finally {
    await embedder.close();
  }
});

test('a process that dies every time it starts is an error that says so, after a bounded number of tries', async () => {
  const launch = killedWhileStarting(Infinity);
  const t0 = Date.now();
  await assert.rejects(EmbedderProcess.start({ launch }), /the embedding process could not start: it exited 4 times before it was ready \(last: code null, signal SIGKILL\)/);
  assert.equal(launch.launched, 4);
  assert.ok(Date.now() - t0 < 20_000, `gave up after ${Date.now() - t0} ms`);
});
