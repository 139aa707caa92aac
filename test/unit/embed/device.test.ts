/**
 * Issue 23 item 3: the choice of execution provider and the fall-back to the CPU. No graphics processor
 * exists on this machine, so the "sessions" here are stand-ins that load, fail to load, or give vectors
 * that fail the check as a GPU could; test/integration/embed/device.test.ts runs the real onnxruntime.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { gpuProviders, openOnDevice } from '../../../src/core/embed/device';

test('each OS tries its own GPU provider; the CPU setting tries none', () => {
  assert.deepEqual(gpuProviders('cpu', 'linux'), []);
  assert.deepEqual(gpuProviders('auto', 'linux'), ['cuda']);
  assert.deepEqual(gpuProviders('auto', 'win32'), ['dml', 'cuda']);
  assert.deepEqual(gpuProviders('auto', 'darwin'), ['coreml']);
  assert.deepEqual(gpuProviders('gpu', 'darwin'), ['coreml', 'webgpu'], "'gpu' also tries WebGPU");
});

/** A stand-in session: which provider it runs on, and whether it was released. */
interface Fake {
  provider: string;
  released: boolean;
}

function steps(behaviour: Record<string, 'ok' | 'no-load' | 'bad-vectors'>) {
  const opened: Fake[] = [];
  return {
    opened,
    steps: {
      providers: Object.keys(behaviour).filter((p) => p !== 'cpu'),
      open: async (provider: string) => {
        if (behaviour[provider] === 'no-load') throw new Error(`${provider}: Failed to load shared library\nsecond line`);
        const s = { provider, released: false };
        opened.push(s);
        return s;
      },
      check: async (s: Fake) => {
        if (behaviour[s.provider] === 'bad-vectors') throw new Error('gives similarity 0.9900 for "a" / "b", expected 0.6660 ± 0.02');
      },
      release: async (s: Fake) => void (s.released = true),
    },
  };
}

test('a GPU that loads and passes the check is used, without a notice', async () => {
  const { steps: s } = steps({ cuda: 'ok', cpu: 'ok' });
  const { session, device } = await openOnDevice('auto', s);
  assert.equal(session.provider, 'cuda');
  assert.deepEqual(device, { setting: 'auto', provider: 'cuda', notice: null, failures: [] });
});

test('a provider that does not load: the next one, then the CPU, with one notice naming each', async () => {
  const { steps: s } = steps({ cuda: 'no-load', webgpu: 'no-load', cpu: 'ok' });
  const { session, device } = await openOnDevice('gpu', s);
  assert.equal(session.provider, 'cpu');
  assert.equal(device.provider, 'cpu');
  assert.match(device.notice!, /^the graphics processor could not be used, so embedding runs on the CPU: cuda did not load \(cuda: Failed to load shared library\); webgpu did not load/);
  assert.doesNotMatch(device.notice!, /second line/, 'one line per provider');
});

test('a GPU whose vectors fail the model check is released and not used: the CPU is, and the notice says why', async () => {
  const { steps: s, opened } = steps({ cuda: 'bad-vectors', cpu: 'ok' });
  const { session, device } = await openOnDevice('auto', s);
  assert.equal(session.provider, 'cpu');
  assert.equal(opened.find((x) => x.provider === 'cuda')?.released, true, 'its session is freed');
  assert.match(device.notice!, /cuda gave vectors that failed the model's check \(gives similarity 0\.9900/);
});

test("the CPU setting never tries a GPU and has no notice; the CPU's own refusal is the model's and is thrown", async () => {
  const { steps: s, opened } = steps({ cpu: 'ok' });
  const { device } = await openOnDevice('cpu', { ...s, providers: [] });
  assert.deepEqual(device, { setting: 'cpu', provider: 'cpu', notice: null, failures: [] });
  assert.deepEqual(opened.map((x) => x.provider), ['cpu']);
  const refused = steps({ cuda: 'no-load', cpu: 'bad-vectors' });
  await assert.rejects(openOnDevice('auto', refused.steps), /expected 0\.6660/);
  assert.equal(refused.opened.at(-1)?.released, true);
});
