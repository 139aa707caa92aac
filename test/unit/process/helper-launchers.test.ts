/**
 * How a process starts its helpers is chosen once: Node child processes by default (the CLI, the web
 * host, tests), or, in the app's engine, by asking Electron main; after that switch no code path in the
 * process can fork, even one that calls the Node launcher directly. (Its own file: the switch is for
 * the whole process.)
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { launcherFor, nodeHelpers, startHelpersWith } from '../../../src/core/process/helper-launchers';
import { nodeChildLauncher } from '../../../src/core/process/node-child';
import { ParentHelpers, type HelperAsk } from '../../../src/core/process/parent-helpers';

test('by default a helper is a Node child process of its built or source entry', async () => {
  const handle = launcherFor<{ type: string }, { type: string }>('extract', { quiet: true })();
  try {
    assert.ok(handle.pid && handle.pid !== process.pid);
    const ready = new Promise((resolve) => handle.onMessage(resolve));
    handle.send({ type: 'init', init: true } as never);
    assert.deepEqual(await ready, { ready: true });
  } finally {
    handle.kill();
  }
  assert.equal(typeof nodeHelpers, 'function');
});

test('after startHelpersWith(parent), helpers are asked of the parent and fork() is refused everywhere in the process', () => {
  const asks: HelperAsk[] = [];
  const parent = new ParentHelpers((a) => asks.push(a));
  startHelpersWith(parent.launchers, 'in the app, Electron main starts helper processes');
  launcherFor('embed')();
  launcherFor('extract', { memoryMb: 512, onStderr: () => {} })();
  assert.deepEqual(asks, [
    { type: 'start-helper', helper: 1, name: 'embed', memoryMb: undefined, stderr: false, quiet: false },
    { type: 'start-helper', helper: 2, name: 'extract', memoryMb: 512, stderr: true, quiet: false },
  ]);
  const direct = nodeChildLauncher({ entry: 'whatever.js', execArgv: [] });
  assert.throws(direct, /not starting whatever\.js as a Node child process: in the app, Electron main starts helper processes/);
});
