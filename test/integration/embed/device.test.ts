/**
 * Issue 23 item 3: "Use the graphics processor when available" on a machine without one. The real
 * onnxruntime-node is asked for its GPU providers (CUDA's libraries are not installed here, WebGPU finds
 * no adapter): each fails to load, and the model runs on the CPU with one notice — in the engine, the
 * embedding process, the API (setSettings / modelInfo / status) and the CLI — and its vectors are the
 * CPU's own, so nothing is embedded again and an index never mixes vectors. On a machine with a working
 * GPU the same tests check that its vectors pass for the CPU's instead.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { EmbeddingEngine } from '../../../src/core/embed/engine';
import { EmbedderProcess } from '../../../src/core/embed/embedder-process';
import { openTrove } from '../../../src/core/open-trove';
import { scifactDocs, tempDir, writeDocs } from '../indexing/helpers';

const repo = join(import.meta.dirname, '..', '..', '..');
const root = tempDir('device');
after(() => rmSync(root, { recursive: true, force: true }));

/** Whether a GPU provider works on this machine (set by the first test; none does where this was written). */
let gpuWorks = false;

const TEXTS = ['The weather is lovely today.', 'Vitamin D deficiency and bone density in older adults.', '数据库怎么备份？', ''];

function cosine(a: Float32Array, b: Float32Array): number {
  return a.reduce((s, x, i) => s + x * b[i], 0);
}

/** Where a GPU is used, its vectors are close to the CPU's (they passed the same check); on the CPU they are the CPU's. */
function assertSameVectors(got: Float32Array[], cpu: Float32Array[], provider: string): void {
  for (const [i, v] of got.entries()) {
    if (provider === 'cpu') assert.deepEqual(v, cpu[i], `text ${i}: the CPU's own vector`);
    else assert.ok(cosine(v, cpu[i]) > 0.999, `text ${i}: ${provider}'s vector is the CPU's (cosine ${cosine(v, cpu[i])})`);
  }
}

test('engine: a GPU asked for that cannot be used falls back to the CPU, says why once, and gives the CPU vectors', async () => {
  const cpu = EmbeddingEngine.create({ threads: 1 });
  const gpu = EmbeddingEngine.create({ threads: 1, device: 'gpu' });
  try {
    const expected = await cpu.encode(TEXTS);
    assert.deepEqual(cpu.device, { setting: 'cpu', provider: 'cpu', notice: null, failures: [] });
    const got = await gpu.encode(TEXTS);
    assert.equal(gpu.device.setting, 'gpu');
    gpuWorks = gpu.device.provider !== 'cpu';
    if (gpu.device.provider === 'cpu') {
      // Linux: CUDA (its libraries are not installed by default) and WebGPU (no adapter here) were both tried.
      assert.match(gpu.device.notice ?? '', /^the graphics processor could not be used, so embedding runs on the CPU: .*did not load/);
      if (process.platform === 'linux') assert.match(gpu.device.notice!, /cuda did not load .*; webgpu did not load/);
    } else assert.equal(gpu.device.notice, null);
    assertSameVectors(got, expected, gpu.device.provider);
    assert.equal(gpu.modelId, cpu.modelId, 'the same vector set');
  } finally {
    await Promise.all([cpu.close(), gpu.close()]);
  }
});

test('embedding process: where the model runs is known when it is ready', async () => {
  const p = await EmbedderProcess.start({ device: 'auto', threads: 1 });
  try {
    assert.equal(p.device.setting, 'auto');
    assert.ok(p.device.provider === 'cpu' ? /graphics processor could not be used/.test(p.device.notice ?? '') : p.device.notice === null, JSON.stringify(p.device));
    const [v] = await p.encode(['The weather is lovely today.']);
    assert.equal(v.length, 384);
  } finally {
    await p.close();
  }
});

test('API: turning the GPU on and off restarts the model where asked, keeps the index and its results, and persists', async () => {
  const docs = join(root, 'docs');
  writeDocs(docs, scifactDocs(20));
  const dataDir = join(root, 'data');
  let app = await openTrove({ dataDir, watch: false });
  try {
    await app.addFolder(docs);
    await app.whenIdle();
    const query = { text: 'vitamin D and bone density', k: 5 };
    const before = await app.search(query);
    const embeddedBefore = (await app.indexTotals()).embedded;
    assert.ok(before.hits.length > 0);
    assert.deepEqual((await app.modelInfo()).device, { setting: 'cpu', provider: 'cpu', notice: null, failures: [] }, 'the CPU by default');

    const settings = await app.setSettings({ device: 'gpu' });
    assert.equal(settings.device, 'gpu');
    const info = await app.modelInfo();
    assert.equal(info.device.setting, 'gpu', 'the model was started again on the setting');
    if (info.device.provider === 'cpu') {
      assert.match(info.device.notice ?? '', /graphics processor could not be used/);
      assert.match((await app.status()).modelNotice ?? '', /graphics processor could not be used/, 'the status line says so');
    }
    const afterwards = await app.search(query);
    assert.deepEqual(afterwards.hits.map((h) => h.path), before.hits.map((h) => h.path), 'the same results');
    if (info.device.provider === 'cpu') assert.deepEqual(afterwards.hits.map((h) => h.score), before.hits.map((h) => h.score), 'the same scores: the same vectors');
    assert.equal((await app.indexTotals()).embedded, embeddedBefore, 'nothing embedded again');

    // (A device that does not exist is refused at the API's edge: test/integration/web/web-host.test.ts.)
  } finally {
    await app.close();
  }
  // Kept in settings.json: the next start runs where the person asked.
  app = await openTrove({ dataDir, watch: false });
  try {
    assert.equal((await app.modelInfo()).device.setting, 'gpu');
    await app.setSettings({ device: 'cpu' });
    assert.deepEqual((await app.modelInfo()).device, { setting: 'cpu', provider: 'cpu', notice: null, failures: [] }, 'back on the CPU, the notice gone');
    assert.equal((await app.status()).modelNotice, null);
  } finally {
    await app.close();
  }
});

test('CLI: --device gpu gives the same similarity with one note, and a device that does not exist is a usage error', () => {
  const run = (args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: repo, encoding: 'utf8', env: { ...process.env, TROVE_DATA_DIR: join(root, 'cli-data') }, timeout: 120_000 });
  const pair = ['similarity', 'The weather is lovely today.', "It's so sunny outside!"];
  const cpu = run(pair);
  assert.equal(cpu.status, 0, cpu.stderr);
  const gpu = run([...pair, '--device', 'gpu']);
  assert.equal(gpu.status, 0, gpu.stderr);
  assert.equal(gpu.stdout, cpu.stdout, 'the same score');
  const notes = gpu.stderr.split('\n').filter((l) => l.startsWith('note: the graphics processor could not be used'));
  assert.equal(notes.length, gpuWorks ? 0 : 1, `one note when no GPU could be used:\n${gpu.stderr}`);
  assert.doesNotMatch(gpu.stderr, /\[E:onnxruntime|onnxruntime_src/, "not onnxruntime's own error lines as well");
  assert.equal(cpu.stderr.includes('graphics processor'), false, 'no word of a GPU when none was asked for');
  const bad = run([...pair, '--device', 'tpu']);
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /--device must be cpu, auto or gpu, not "tpu"/);
});
