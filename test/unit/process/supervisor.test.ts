/**
 * The one supervisor of Trove's helper processes (the engine, the embedding), on real Node child
 * processes running a tiny echo script: requests and replies by id, a crash failing or resending the
 * calls in flight, restart, a refused init, and a shutdown that kills a process that will not leave.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { nodeChildLauncher } from '../../../src/core/process/node-child';
import { ProcessCrashedError, type Incoming } from '../../../src/core/process/supervised-process';
import { Supervisor } from '../../../src/core/process/supervisor';

type Out = { type: 'init'; refuse?: boolean } | { type: 'echo'; id: number; text: string; delayMs?: number } | { type: 'shutdown' };
type In = { type: 'ready'; pid: number } | { type: 'init-failed'; message: string } | { type: 'echo'; id: number; text: string; pid: number };

const dir = mkdtempSync(join(tmpdir(), 'trove-supervisor-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Echoes after `delayMs`; `stubborn` ignores the shutdown message. */
function script(name: string, stubborn = false): { entry: string; execArgv: string[] } {
  const entry = join(dir, `${name}.mjs`);
  writeFileSync(
    entry,
    `process.on('message', (m) => {
      if (m.type === 'init') process.send(m.refuse ? { type: 'init-failed', message: 'no such model' } : { type: 'ready', pid: process.pid });
      else if (m.type === 'echo') setTimeout(() => process.send({ type: 'echo', id: m.id, text: m.text, pid: process.pid }), m.delayMs ?? 0);
      else if (m.type === 'shutdown' && !${stubborn}) process.exit(0);
    });
    process.on('disconnect', () => process.exit(0));\n`,
  );
  return { entry, execArgv: [] };
}

const read = (m: In): Incoming =>
  m.type === 'ready' ? { kind: 'ready' } : m.type === 'init-failed' ? { kind: 'init-failed', message: m.message } : { kind: 'reply', id: m.id, final: true };

function start(opts: { maxAttempts?: number; refuse?: boolean; stubborn?: boolean; crashes?: string[] } = {}) {
  return Supervisor.start<Out, In>({
    name: 'the test process',
    launch: nodeChildLauncher(script(opts.stubborn ? 'stubborn' : 'echo', opts.stubborn)),
    init: { type: 'init', refuse: opts.refuse },
    shutdown: { type: 'shutdown' },
    read,
    maxAttempts: opts.maxAttempts,
    onCrash: (why) => opts.crashes?.push(why),
  });
}

async function echo(s: Supervisor<Out, In>, text: string, delayMs = 0): Promise<In> {
  const id = s.newId();
  return s.request(id, { type: 'echo', id, text, delayMs });
}

test('answers requests by id, out of order', async () => {
  const s = await start();
  try {
    const slow = echo(s, 'slow', 300);
    const fast = echo(s, 'fast');
    assert.equal(((await fast) as { text: string }).text, 'fast');
    assert.equal(((await slow) as { text: string }).text, 'slow');
  } finally {
    await s.close();
  }
});

test('a crash fails the calls in flight at once (maxAttempts 1), reports it, and the next call gets a new process', async () => {
  const crashes: string[] = [];
  const s = await start({ crashes });
  try {
    const first = s.pid!;
    const inFlight = echo(s, 'never', 10_000);
    await new Promise((r) => setTimeout(r, 100));
    process.kill(first, 'SIGKILL');
    await assert.rejects(inFlight, (e: Error) => e instanceof ProcessCrashedError && /the test process stopped unexpectedly \(exit code null, signal SIGKILL\) during this request; it is being restarted/.test(e.message));
    assert.equal(crashes.length, 1);
    const after = (await echo(s, 'again')) as { pid: number };
    assert.notEqual(after.pid, first);
    assert.equal(s.restarts, 1);
  } finally {
    await s.close();
  }
});

test('with maxAttempts 2 the call in flight is resent to the new process and answered', async () => {
  const s = await start({ maxAttempts: 2 });
  try {
    const first = s.pid!;
    const inFlight = echo(s, 'resent', 500);
    await new Promise((r) => setTimeout(r, 100));
    process.kill(first, 'SIGKILL');
    const reply = (await inFlight) as { text: string; pid: number };
    assert.equal(reply.text, 'resent');
    assert.notEqual(reply.pid, first);
  } finally {
    await s.close();
  }
});

test('a refused init is an error with the process’s reason', async () => {
  await assert.rejects(start({ refuse: true }), /no such model/);
});

test('close kills a process that does not leave in time, and fails what was in flight', async () => {
  const s = await start({ stubborn: true });
  const pid = s.pid!;
  const inFlight = echo(s, 'never', 10_000);
  const t0 = Date.now();
  await s.close(300);
  assert.ok(Date.now() - t0 < 2000);
  await assert.rejects(inFlight, /the test process stopped/);
  assert.throws(() => process.kill(pid, 0), /ESRCH/);
  await assert.rejects(echo(s, 'late'), /the test process is stopped/);
});

test('a request past its time budget fails with the budget’s reason; with restart when-asked, the next request gets a new process', async () => {
  const s = Supervisor.lazy<Out, In>({
    name: 'the test process',
    launch: nodeChildLauncher(script('echo')),
    init: { type: 'init' },
    shutdown: { type: 'shutdown' },
    read,
    restart: 'when-asked',
    holdWhileIdle: false,
  });
  try {
    assert.equal(s.pid, undefined, 'nothing runs before the first request');
    const first = (await echo(s, 'up')) as { pid: number };
    const id = s.newId();
    const t0 = Date.now();
    await assert.rejects(s.request(id, { type: 'echo', id, text: 'stuck', delayMs: 10_000 }, undefined, { timeoutMs: 300, reason: 'took too long' }), /took too long/);
    assert.ok(Date.now() - t0 < 3000);
    const gone = async () => {
      for (let i = 0; i < 40; i++, await new Promise((r) => setTimeout(r, 50))) {
        try {
          process.kill(first.pid, 0);
        } catch {
          return true;
        }
      }
      return false;
    };
    assert.ok(await gone(), 'the stuck process was killed');
    assert.equal(s.pid, undefined, 'not restarted until asked');
    const next = (await echo(s, 'again')) as { pid: number; text: string };
    assert.equal(next.text, 'again');
    assert.notEqual(next.pid, first.pid);
  } finally {
    await s.close();
  }
});
