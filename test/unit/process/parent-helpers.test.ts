/**
 * The app's shape for helpers, run in plain Node: the engine's side (ParentHelpers) asks "main" for a
 * helper, main's HelperBroker starts it and connects the two with a channel, and the supervisor every
 * Trove process uses runs on top. Electron's utility processes and MessageChannelMain are stood in for
 * by worker threads and worker_threads ports (./support/electron-ports.ts); the helper is a real entry
 * using core/process/child-port.ts. What cannot run here is Electron itself.
 */
import assert from 'node:assert/strict';
import { after, test } from 'node:test';
import { HelperBroker } from '../../../src/main/helper-broker';
import { EXIT_OVER_MEMORY } from '../../../src/core/process/memory-budget';
import { ParentHelpers, type HelperAsk, type HelperNews, type HelperPort } from '../../../src/core/process/parent-helpers';
import { ProcessCrashedError, type Incoming, type ProcessExit } from '../../../src/core/process/supervised-process';
import { Supervisor } from '../../../src/core/process/supervisor';
import { electronChannel, threadProcess, type ElectronPort, type ThreadProcess } from './support/electron-ports';

type Out = { type: 'init' } | { type: 'echo'; id: number; text: string; delayMs?: number } | { type: 'exit'; code: number; stderr?: string } | { type: 'shutdown' };
type In = { type: 'ready'; pid: number } | { type: 'echo'; id: number; text: string; pid: number; env?: string };

const echoHelper = new URL('./fixtures/echo-helper.ts', import.meta.url);

/** "Electron main" and "the engine" in this thread; the helpers on threads of their own. */
function app() {
  const asks: HelperAsk[] = [];
  const news: HelperNews['type'][] = [];
  const threads: ThreadProcess[] = [];
  const broker = new HelperBroker<ElectronPort>(
    {
      // What main sends the engine: only news of helpers, never a helper's own messages.
      postMessage: (message, ports = []) => {
        news.push(message.type);
        setImmediate(() => helpers.receive(message, ports as HelperPort[]));
      },
    },
    {
      fork: (_name, options) => {
        const t = threadProcess(echoHelper, options);
        threads.push(t);
        return t;
      },
      channel: electronChannel,
    },
  );
  const helpers = new ParentHelpers((ask) => {
    asks.push(ask);
    setImmediate(() => broker.handle(ask));
  });
  after(() => broker.closeAll());
  return { helpers, broker, asks, news, threads };
}

/** Resolves once `ok()` holds; fails after `ms` (a loaded machine is slow, never wrong). */
async function until(what: string, ok: () => boolean, ms = 10_000): Promise<void> {
  for (const t0 = Date.now(); !ok(); await new Promise((r) => setTimeout(r, 20))) {
    if (Date.now() - t0 > ms) assert.fail(`timed out waiting for ${what}`);
  }
}

const read = (m: In): Incoming => (m.type === 'ready' ? { kind: 'ready' } : { kind: 'reply', id: m.id, final: true });

function supervise(helpers: ParentHelpers, extra: { maxAttempts?: number; describeExit?: (e: ProcessExit) => string; memoryMb?: number; onStderr?: (t: string) => void } = {}) {
  return Supervisor.start<Out, In>({
    name: 'the echo helper',
    launch: helpers.launchers<Out, In>('extract', { memoryMb: extra.memoryMb, onStderr: extra.onStderr, quiet: true }),
    init: { type: 'init' },
    shutdown: { type: 'shutdown' },
    read,
    maxAttempts: extra.maxAttempts,
    describeExit: extra.describeExit,
  });
}

async function echo(s: Supervisor<Out, In>, text: string, delayMs = 0): Promise<In & { type: 'echo' }> {
  const id = s.newId();
  return (await s.request(id, { type: 'echo', id, text, delayMs })) as In & { type: 'echo' };
}

test('a helper asked of the parent answers by id over its own port; main relays none of it', { timeout: 20_000 }, async () => {
  const { helpers, asks, news } = app();
  // The supervisor sends init as soon as it launches, before main has sent the port: it is queued, then delivered.
  const s = await supervise(helpers, { memoryMb: 256 });
  try {
    const [slow, fast] = [echo(s, 'slow', 200), echo(s, 'fast')];
    assert.equal((await fast).text, 'fast');
    assert.equal((await slow).text, 'slow');
    assert.equal((await fast).env, '256', 'the memory budget reached the helper through fork options');
    assert.equal(s.pid, (await fast).pid, 'the pid main reported is the helper that answers');
    assert.deepEqual(asks, [{ type: 'start-helper', helper: 1, name: 'extract', memoryMb: 256, stderr: false, quiet: true }]);
    assert.deepEqual(news, ['helper-started']);
  } finally {
    await s.close();
  }
});

test('a helper over its memory budget: the exit code main reports reaches the supervisor, and the restart asks main again', { timeout: 20_000 }, async () => {
  const { helpers, asks } = app();
  const exits: ProcessExit[] = [];
  const s = await supervise(helpers, { maxAttempts: 2, describeExit: (e) => (exits.push(e), `exit ${e.code}`) });
  try {
    const first = s.pid;
    const id = s.newId();
    // Dies mid-request; resent once (maxAttempts 2) to the next helper, which dies of it too.
    await assert.rejects(s.request(id, { type: 'exit', code: EXIT_OVER_MEMORY }), (e: Error) => e instanceof ProcessCrashedError && e.message === `exit ${EXIT_OVER_MEMORY}`);
    assert.deepEqual(exits.map((e) => e.code).slice(0, 2), [EXIT_OVER_MEMORY, EXIT_OVER_MEMORY], 'the code main reported, not a guess');
    assert.equal((await echo(s, 'again')).text, 'again');
    assert.notEqual(s.pid, first);
    assert.equal(s.restarts, 2);
    assert.equal(asks.filter((a) => a.type === 'start-helper').length, 3, 'each restart asked main again');
  } finally {
    await s.close();
  }
});

test('a time budget kills the helper through main, and the next request gets a new one', { timeout: 20_000 }, async () => {
  const { helpers, asks, threads } = app();
  const s = await supervise(helpers);
  try {
    const id = s.newId();
    const stuck = s.request(id, { type: 'echo', id, text: 'never', delayMs: 60_000 }, undefined, { timeoutMs: 200, reason: 'took too long' });
    await assert.rejects(stuck, (e: Error) => e instanceof ProcessCrashedError && /took too long/.test(e.message));
    assert.ok(asks.some((a) => a.type === 'stop-helper' && a.helper === 1), 'asked main to stop it');
    await until('main to end the helper', () => threads[0].pid === undefined);
    assert.equal((await echo(s, 'next')).text, 'next');
    assert.equal(threads.length, 2);
  } finally {
    await s.close();
  }
});

test("a helper's stderr comes back through main when asked for (the reader explains a crash with it)", async () => {
  const { helpers, asks } = app();
  let stderr = '';
  const exits: string[] = [];
  const s = await supervise(helpers, { onStderr: (t) => (stderr += t), describeExit: (e) => (exits.push(`${e.code}: ${stderr.trim()}`), 'gone') });
  try {
    assert.equal((asks[0] as { stderr: boolean }).stderr, true);
    const id = s.newId();
    await assert.rejects(s.request(id, { type: 'exit', code: 7, stderr: 'Error: a reader tripped\n' }), ProcessCrashedError);
    assert.equal(exits[0], '7: Error: a reader tripped');
  } finally {
    await s.close();
  }
});

test('close asks the helper to leave and waits for main to report its exit', { timeout: 20_000 }, async () => {
  const { helpers, news, threads } = app();
  const s = await supervise(helpers);
  const t0 = Date.now();
  await s.close(5000);
  assert.ok(Date.now() - t0 < 4000, 'left on the shutdown message, not killed at the 5 s deadline');
  assert.equal(threads[0].pid, undefined);
  assert.deepEqual(news, ['helper-started', 'helper-exit']);
});

/** A parent that answers by hand, for the orders a real one makes rare. */
function byHand() {
  const asks: HelperAsk[] = [];
  const helpers = new ParentHelpers((a) => asks.push(a), 100);
  return { helpers, asks };
}

test('a port that closes with no word from main is an exit, after a short grace for the exit code', { timeout: 20_000 }, async () => {
  const { helpers } = byHand();
  const handle = helpers.launchers<string, string>('embed')();
  const exits: (number | null)[] = [];
  handle.onExit((code) => exits.push(code));
  const { port1, port2 } = electronChannel();
  helpers.receive({ type: 'helper-started', helper: 1, pid: 42 }, [port2]);
  assert.equal(handle.pid, 42);
  port1.close();
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(exits, [], 'waits for the report first');
  await until('the exit', () => exits.length > 0);
  assert.deepEqual(exits, [null]);
});

test('an exit reported before the port arrives ends the handle; a port that comes late is closed, sends are dropped', { timeout: 20_000 }, async () => {
  const { helpers, asks } = byHand();
  const handle = helpers.launchers<string, string>('extract')();
  const exits: (number | null)[] = [];
  handle.onExit((code) => exits.push(code));
  assert.equal(helpers.receive({ type: 'helper-exit', helper: 1, code: null }), true);
  assert.deepEqual(exits, [null]);
  handle.send('dropped');
  handle.kill();
  assert.deepEqual(asks.map((a) => a.type), ['start-helper'], 'a helper that has gone is not stopped again');
  const { port1, port2 } = electronChannel();
  let closed = false;
  port1.on('close', () => (closed = true));
  helpers.receive({ type: 'helper-started', helper: 1, pid: 1 }, [port2]);
  await until('the late port to be closed (nobody would read it)', () => closed);
  assert.equal(helpers.receive({ type: 'result', id: 1, value: null }), false, 'anything else is not news of a helper');
});
