/**
 * The app's process shape, run in plain Node: Electron main's engine launcher (src/main/engine-launcher.ts,
 * with its HelperBroker) starts the real engine entry told 'from-parent'; the engine asks main for the
 * embedding and a document reader, main starts the real entries and connects each to the engine by a
 * channel, and the engine indexes, reads a .docx and searches without forking anything. A killed helper
 * is asked for again. Electron's utility processes and MessagePortMain are stood in for by worker threads
 * and worker_threads ports (test/unit/process/support/electron-ports.ts): Electron's binary cannot be
 * downloaded here, so this is the closest to the app that runs; the Electron calls themselves are only
 * type-checked (src/main/utility-fork.ts).
 */
import assert from 'node:assert/strict';
import { copyFileSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEngine, type EngineClient } from '../../../src/core/host/engine-client';
import { MEMORY_BUDGET_ENV } from '../../../src/core/process/memory-budget';
import { helperEntries, type HelperName } from '../../../src/core/process/process-handle';
import { brokeredEngineLauncher } from '../../../src/main/engine-launcher';
import { electronChannel, threadProcess, type ElectronPort, type ThreadProcess } from '../../unit/process/support/electron-ports';
import { scifactDocs, tempDir, writeDocs } from '../indexing/helpers';

const workerSource = (name: HelperName) => join(import.meta.dirname, '..', '..', '..', 'src', 'worker', `${helperEntries[name]}.ts`);
const docx = join(import.meta.dirname, '..', '..', 'fixtures', 'documents', 'real', 'debian-faq-basic-defs.docx');

/** Node child processes of this process (Linux; tsx's esbuild service is a child too, not a Node one). */
function nodeChildren(): string[] {
  if (process.platform !== 'linux') return [];
  const children: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      if (/^PPid:\s+(\d+)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] !== String(process.pid)) continue;
      const [exe, ...args] = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
      if (exe === process.execPath || exe === process.argv0) children.push([exe, ...args].join(' '));
    } catch {
      // gone meanwhile
    }
  }
  return children;
}

describe('the engine with its helpers from its parent (the app shape, on threads)', () => {
  let root: string;
  let docs: string;
  let engine: EngineClient;
  const started: { name: HelperName; thread: ThreadProcess }[] = [];
  const crashes: string[] = [];

  before(async () => {
    root = tempDir('from-parent');
    docs = join(root, 'docs');
    writeDocs(docs, scifactDocs(12));
    copyFileSync(docx, join(docs, 'debian-faq.docx'));
    const launch = brokeredEngineLauncher<ElectronPort>({
      forkEngine: () => threadProcess(workerSource('engine')),
      forkHelper: (name, options) => {
        // A thread's resident memory is the whole test process's: the budget is the process's business, not this test's.
        const env = options.env[MEMORY_BUDGET_ENV] ? { ...options.env, [MEMORY_BUDGET_ENV]: '100000' } : options.env;
        const thread = threadProcess(workerSource(name), { ...options, env });
        started.push({ name, thread });
        return thread;
      },
      channel: electronChannel,
    });
    engine = await startEngine({ init: { dataDir: join(root, 'data'), helpers: 'from-parent' }, launch, onCrash: (why) => crashes.push(why) });
  });
  after(async () => {
    await engine?.close();
  });

  test('indexes text and a .docx and searches, with the embedding and the reader started by main, nothing forked', { timeout: 300_000 }, async () => {
    await engine.addFolder(docs);
    await engine.whenIdle();
    assert.equal((await engine.status()).filesIndexed, 13);
    const { hits } = await engine.search({ text: 'Debian FAQ basic definitions', k: 3 });
    assert.ok(hits.some((h) => h.path.endsWith('debian-faq.docx')), JSON.stringify(hits.map((h) => h.path)));
    assert.deepEqual([...new Set(started.map((s) => s.name))].sort(), ['embed', 'extract']);
    assert.deepEqual(nodeChildren(), [], 'no Node child process: every helper came from main');
  });

  test('a helper that dies is asked of main again, and search goes on', { timeout: 300_000 }, async () => {
    const embed = started.filter((s) => s.name === 'embed').at(-1)!;
    const before = started.filter((s) => s.name === 'embed').length;
    embed.thread.kill();
    const [first] = scifactDocs(1);
    const { hits } = await engine.search({ text: first.title, k: 3 });
    assert.equal(hits[0].path, join(docs, `${first.id}.txt`));
    assert.equal(started.filter((s) => s.name === 'embed').length, before + 1, 'main started a new embedding helper');
    assert.deepEqual(crashes, [], "the engine itself never crashed");
  });

  test('close stops the engine and, with it, every helper', { timeout: 60_000 }, async () => {
    await engine.close();
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(started.filter((s) => s.thread.pid !== undefined).map((s) => s.name), []);
  });
});

test("a host that is not Electron main answers an engine's ask for a helper with 'could not start', rather than let it wait", { timeout: 120_000 }, async () => {
  const root = tempDir('from-parent-refused');
  // The web host's and the CLI's default: the engine as a Node child, which starts no helpers for it.
  await assert.rejects(startEngine({ init: { dataDir: join(root, 'data'), helpers: 'from-parent' } }), /the embedding process could not start/);
});
