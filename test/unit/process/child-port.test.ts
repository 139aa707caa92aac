/**
 * A worker entry's end (core/process/child-port.ts) under Electron's process.parentPort, stood in for
 * by worker_threads ports: the engine takes its parent's messages with their ports; a helper main
 * started for the engine adopts the port main sends first and talks only over it from then on.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { test } from 'node:test';
import { childPort, HELPER_PORT_MESSAGE, type ParentPort } from '../../../src/core/process/child-port';
import { electronChannel, type ElectronPort } from './support/electron-ports';

/** process.parentPort as Electron gives it, driven by hand. */
function parentPort() {
  const emitter = new EventEmitter();
  const posted: unknown[] = [];
  const port: ParentPort & { deliver(data: unknown, ports?: ElectronPort[]): void; posted: unknown[] } = {
    on: (_event, listener) => emitter.on('message', listener),
    postMessage: (m) => void posted.push(m),
    deliver: (data, ports = []) => void emitter.emit('message', { data, ports }),
    posted,
  };
  return port;
}

/** Resolves once `ok()` holds (port messages arrive on a later turn of the event loop). */
async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  for (const t0 = Date.now(); !ok(); await new Promise((r) => setTimeout(r, 10))) {
    if (Date.now() - t0 > ms) assert.fail(`timed out waiting for ${what}`);
  }
}

test('a helper adopts the port main sends first: requests come over it and replies go back over it, not to main', async () => {
  const main = parentPort();
  const child = childPort<string>('helper', main);
  const received: unknown[] = [];
  let gone = 0;
  child.listen((m) => {
    received.push(m);
    child.send(`re: ${String(m)}`);
  }, () => gone++);
  const { port1, port2 } = electronChannel();
  main.deliver({ type: HELPER_PORT_MESSAGE }, [port1]);
  const engineHeard: unknown[] = [];
  port2.on('message', (e) => engineHeard.push(e.data));
  port2.start();
  port2.postMessage('encode this');
  await until('the reply', () => engineHeard.length > 0);
  assert.deepEqual(received, ['encode this'], 'the port message itself is not handed on');
  assert.deepEqual(engineHeard, ['re: encode this']);
  assert.deepEqual(main.posted, [], 'nothing went to main');
  port2.close();
  await until('the parent to be gone', () => gone > 0);
  assert.equal(gone, 1, 'the engine dropping its end is the parent going away');
});

test("the engine's messages from main come with their ports (news of a helper carries the helper's port)", async () => {
  const main = parentPort();
  const child = childPort<string>('engine', main);
  const got: { m: unknown; ports: number }[] = [];
  child.listen((m, ports) => got.push({ m, ports: ports.length }), () => {});
  const { port1 } = electronChannel();
  main.deliver({ type: 'call', id: 1 });
  main.deliver({ type: 'helper-started', helper: 1, pid: 9 }, [port1]);
  child.send('ready');
  assert.deepEqual(got, [
    { m: { type: 'call', id: 1 }, ports: 0 },
    { m: { type: 'helper-started', helper: 1, pid: 9 }, ports: 1 },
  ]);
  assert.deepEqual(main.posted, ['ready'], 'with no helper port adopted, replies go to main');
  port1.close();
});
