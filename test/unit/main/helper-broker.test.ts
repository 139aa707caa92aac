/**
 * Electron main's broker of the engine's helpers (src/main/helper-broker.ts), against fake utility
 * processes: what main forks for each ask (only named helpers, their memory budget, their outputs),
 * the two ends of the channel, and the exits it reports. The helpers really talking over the channel
 * is test/unit/process/parent-helpers.test.ts.
 */
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { test } from 'node:test';
import { HELPER_PORT_MESSAGE } from '../../../src/core/process/child-port';
import { MEMORY_BUDGET_ENV } from '../../../src/core/process/memory-budget';
import type { HelperNews } from '../../../src/core/process/parent-helpers';
import { HelperBroker, helperForkOptions, type HelperForkOptions } from '../../../src/main/helper-broker';

type Port = { name: string };

class FakeChild extends EventEmitter {
  pid: number | undefined = undefined;
  killed = 0;
  posted: { message: unknown; ports: Port[] }[] = [];
  stderr: PassThrough | null;
  constructor(
    readonly name: string,
    readonly options: HelperForkOptions,
  ) {
    super();
    this.stderr = options.stdio[2] === 'pipe' ? new PassThrough() : null;
  }
  postMessage(message: unknown, ports: Port[] = []) {
    this.posted.push({ message, ports });
  }
  kill() {
    this.killed++;
    return true;
  }
}

function broker() {
  const children: FakeChild[] = [];
  const told: { message: HelperNews; ports: Port[] }[] = [];
  let channels = 0;
  const b = new HelperBroker<Port>(
    { postMessage: (message, ports = []) => void told.push({ message, ports }) },
    {
      fork: (name, options) => {
        const c = new FakeChild(name, options);
        children.push(c);
        return c;
      },
      channel: () => {
        channels++;
        return { port1: { name: `helper end ${channels}` }, port2: { name: `engine end ${channels}` } };
      },
    },
  );
  return { b, children, told };
}

test('starts the helper asked for, gives it one end of a channel and the engine the other once it runs', () => {
  const { b, children, told } = broker();
  assert.equal(b.handle({ type: 'start-helper', helper: 1, name: 'embed', stderr: false, quiet: false }), true);
  const [child] = children;
  assert.equal(child.name, 'embed');
  assert.deepEqual(child.posted, [{ message: { type: HELPER_PORT_MESSAGE }, ports: [{ name: 'helper end 1' }] }]);
  assert.deepEqual(told, [], 'the engine hears of it when it has spawned');
  child.pid = 4242;
  child.emit('spawn');
  assert.deepEqual(told, [{ message: { type: 'helper-started', helper: 1, pid: 4242 }, ports: [{ name: 'engine end 1' }] }]);
  child.emit('exit', 0);
  assert.deepEqual(told[1], { message: { type: 'helper-exit', helper: 1, code: 0 }, ports: [] });
});

test('messages that are not about helpers are left for the supervisor', () => {
  const { b, children } = broker();
  for (const m of [{ type: 'ready' }, { type: 'result', id: 1, value: 2 }, { type: 'event', name: 'progress', payload: {} }, null, 'start-helper']) {
    assert.equal(b.handle(m), false);
  }
  assert.equal(children.length, 0);
});

test('the engine may ask only for the named helpers, each id once: anything else is an exit at once, nothing forked', () => {
  const { b, children, told } = broker();
  b.handle({ type: 'start-helper', helper: 1, name: 'engine', stderr: false, quiet: false });
  b.handle({ type: 'start-helper', helper: 2, name: '../../../bin/sh', stderr: false, quiet: false });
  b.handle({ type: 'start-helper', helper: 3, name: 'toString', stderr: false, quiet: false });
  b.handle({ type: 'start-helper', helper: 4, name: 'extract', stderr: false, quiet: false });
  b.handle({ type: 'start-helper', helper: 4, name: 'extract', stderr: false, quiet: false });
  assert.deepEqual(children.map((c) => c.name), ['extract']);
  assert.deepEqual(
    told.map((t) => t.message),
    [1, 2, 3, 4].map((helper) => ({ type: 'helper-exit', helper, code: null })),
  );
});

test("a reader's fork options: its V8 heap and budget, stdout dropped, stderr piped back to the engine", () => {
  const { b, children, told } = broker();
  b.handle({ type: 'start-helper', helper: 7, name: 'extract', memoryMb: 1024, stderr: true, quiet: true });
  const [child] = children;
  assert.deepEqual(child.options.execArgv, ['--max-old-space-size=1024']);
  assert.equal(child.options.env[MEMORY_BUDGET_ENV], '1024');
  assert.deepEqual(child.options.stdio, ['ignore', 'ignore', 'pipe']);
  assert.equal(child.options.serviceName, 'Trove document reader');
  child.stderr!.write('RangeError: heap limit\n');
  assert.deepEqual(told.at(-1)?.message, { type: 'helper-stderr', helper: 7, text: 'RangeError: heap limit\n' });
  // The embedding: no budget, its output where main's goes.
  const embed = helperForkOptions({ type: 'start-helper', helper: 8, name: 'embed', stderr: false, quiet: false }, { PATH: '/bin' });
  assert.deepEqual(embed, { serviceName: 'Trove embedding', execArgv: [], env: { PATH: '/bin' }, stdio: ['ignore', 'inherit', 'inherit'] });
  // A budget that is not a sensible number of MB is not passed to V8.
  for (const memoryMb of [0, -1, 1.5, 1e9, Number.NaN]) {
    assert.deepEqual(helperForkOptions({ type: 'start-helper', helper: 9, name: 'extract', memoryMb, stderr: false, quiet: false }, {}).execArgv, [], String(memoryMb));
  }
});

test('stop-helper kills that helper; when the engine exits, closeAll kills the rest', () => {
  const { b, children } = broker();
  for (const helper of [1, 2, 3]) b.handle({ type: 'start-helper', helper, name: 'extract', stderr: false, quiet: false });
  b.handle({ type: 'stop-helper', helper: 2 });
  b.handle({ type: 'stop-helper', helper: 99 });
  assert.deepEqual(children.map((c) => c.killed), [0, 1, 0]);
  children[1].emit('exit', 15);
  b.closeAll();
  assert.deepEqual(children.map((c) => c.killed), [1, 1, 1]);
});
