/**
 * `npm run bench:host-loop [-- --files N --window S]`: the host's event-loop delay while an engine
 * indexes N real files (default 10,000) and a search goes out every 200 ms, once with the engine in
 * this process (how Electron main ran it before issue 11) and once in its own process (now); then the
 * cost of the folder watcher alone (chokidar starting on the same folder, then 2,000 files rewritten),
 * which decided that the watcher stays in the engine process. One JSON line each. The indexing
 * workload is test/support/host-loop.ts, the one the integration test asserts on.
 */
import { appendFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseFlags } from '../src/cli/command';
import { startEngine } from '../src/core/host/engine-client';
import { openTrove } from '../src/core/open-trove';
import { DEFAULT_SETTINGS } from '../src/core/settings';
import { FolderRules } from '../src/core/sources/folder-rules';
import { FolderWatcher } from '../src/core/watch/folder-watcher';
import { tempDir } from '../test/integration/indexing/helpers';
import { makeManyFiles, measureHostLoop } from '../test/support/host-loop';

const { flags } = parseFlags(process.argv.slice(2));
const files = Number(flags.get('files') ?? 10_000);
const windowMs = Number(flags.get('window') ?? 60) * 1000;
const only = flags.get('only'); // in-process | engine-process | watcher

const ms = (ns: number) => Math.round(ns / 1e4) / 100;

async function indexing(where: 'in-process' | 'engine-process'): Promise<void> {
  const root = tempDir('host-loop');
  const docs = join(root, 'docs');
  makeManyFiles(docs, files);
  const init = { dataDir: join(root, 'data') };
  const engine = where === 'in-process' ? await openTrove(init) : await startEngine({ init });
  try {
    const figures = await measureHostLoop(engine, docs, windowMs);
    process.stdout.write(`${JSON.stringify({ engine: where, files, ...figures })}\n`);
  } finally {
    await engine.close();
    rmSync(root, { recursive: true, force: true });
  }
}

async function watcher(): Promise<void> {
  const root = tempDir('host-loop-watch');
  const docs = join(root, 'docs');
  makeManyFiles(docs, files);
  const delay = monitorEventLoopDelay({ resolution: 10 });
  let batches = 0;
  const w = new FolderWatcher(docs, new FolderRules(docs, DEFAULT_SETTINGS), { debounceMs: 150, onChanges: () => batches++, onFallback: () => {} });
  try {
    delay.enable();
    const t0 = Date.now();
    await w.start();
    const startMs = Date.now() - t0;
    const start = { p99Ms: ms(delay.percentile(99)), maxMs: ms(delay.max) };
    delay.reset();
    const touched = (readdirSync(docs, { recursive: true }) as string[])
      .map((rel) => join(docs, rel))
      .filter((p) => statSync(p).isFile())
      .slice(0, 2000);
    for (const p of touched) appendFileSync(p, '\n');
    await new Promise((r) => setTimeout(r, 3000));
    delay.disable();
    process.stdout.write(
      `${JSON.stringify({ watcher: 'chokidar in this process', files, startMs, start, rewritten: touched.length, batches, events: { p99Ms: ms(delay.percentile(99)), maxMs: ms(delay.max) } })}\n`,
    );
  } finally {
    await w.close();
    rmSync(root, { recursive: true, force: true });
  }
}

for (const step of ['watcher', 'in-process', 'engine-process'] as const) {
  if (only && only !== step) continue;
  if (step === 'watcher') await watcher();
  else await indexing(step);
}
