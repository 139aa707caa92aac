/**
 * The host-side workload of issue 11's responsiveness target: a folder of many real files indexed by
 * an engine while a web host (the same relay Electron main is) answers a search every 200 ms, and
 * perf_hooks.monitorEventLoopDelay watching this process's event loop. Shared by
 * test/integration/host/main-responsive.test.ts (engine in its own process) and bench/host-loop.ts
 * (which also runs the engine in this process, for the comparison).
 *
 * The folder: the 5,183 SciFact abstracts as text files, plus copies of the document fixtures (HTML,
 * e-mail, ODT/DOCX/EPUB/PPTX/RTF, small PDFs) in subfolders up to `files`.
 */
import { fork } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { HostedTrove } from '../../src/core/host/engine-protocol';
import { startWebHost, type WebHost } from '../../src/web/server';
import { scifactDocs, writeDocs } from '../integration/indexing/helpers';

/** Node's default sampling interval; each recorded delay includes it, so an idle loop reads about 10 ms. */
const RESOLUTION_MS = 10;
const FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'documents');
const QUERIES = ['how do cells repair damaged DNA', 'git stash pop conflicts', 'Debian package archive mirrors', 'vitamin D and bone density'];

/** Small real documents of every kind the reader handles (the 160,000-character books left out). */
function fixtureFiles(): string[] {
  const out: string[] = [];
  for (const sub of ['real', 'git', 'generated']) {
    for (const name of readdirSync(join(FIXTURES, sub))) {
      const path = join(FIXTURES, sub, name);
      if (statSync(path).size < 100_000) out.push(path);
    }
  }
  return out;
}

/** Write the folder of `files` files into `dir`; returns how many were written. */
export function makeManyFiles(dir: string, files: number): number {
  const docs = scifactDocs(Math.min(files, 5183));
  writeDocs(join(dir, 'scifact'), docs);
  const fixtures = fixtureFiles();
  let n = docs.length;
  for (let copy = 0; n < files; copy++) {
    const sub = join(dir, 'copies', String(copy));
    mkdirSync(sub, { recursive: true });
    for (const f of fixtures) {
      if (n >= files) break;
      copyFileSync(f, join(sub, f.split('/').pop()!));
      n++;
    }
  }
  return n;
}

async function search(host: WebHost, text: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${host.port}/api/search`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-trove-token': host.token },
    body: JSON.stringify([{ text, k: 10 }]),
  });
  const body = (await res.json()) as { result?: { hits: unknown[] }; error?: { message: string } };
  if (!body.result) throw new Error(body.error?.message ?? `search failed (${res.status})`);
  return body.result.hits.length;
}

/**
 * A process doing nothing but measure its own event loop, run alongside: the machine's scheduling
 * floor. On a loaded machine (2 cores shared with other work) every process's timers fire late; the
 * control says how much of the host's figure is that rather than the host's own work.
 */
function startControl(): { stop(): Promise<{ p99Ms: number; maxMs: number }> } {
  const code = `
    const { monitorEventLoopDelay } = require('node:perf_hooks');
    const h = monitorEventLoopDelay({ resolution: ${RESOLUTION_MS} });
    h.enable();
    process.on('message', () => { h.disable(); process.send({ p99: h.percentile(99), max: h.max }, () => process.exit(0)); });
  `;
  const child = fork('-e', [code], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  // fork('-e') runs the code as the script: node's eval flag with IPC.
  return {
    stop: () =>
      new Promise((resolve) => {
        child.once('message', (m: { p99: number; max: number }) => resolve({ p99Ms: ms(m.p99), maxMs: ms(m.max) }));
        child.send('stop');
      }),
  };
}

const ms = (ns: number) => Math.round(ns / 1e4) / 100;

export interface HostLoopFigures {
  filesIndexed: number;
  passagesIndexed: number;
  seconds: number;
  /** 'idle' when everything was indexed within the window. */
  endedBy: 'idle' | 'window';
  searches: number;
  hits: number;
  /** The host's event-loop delay (monitorEventLoopDelay at Node's default 10 ms resolution; each figure includes those 10 ms). */
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** CPU the host process itself used during the window, as a share of one core. */
  hostCpuPercent: number;
  /** The same measure in an idle process running alongside: the machine's floor. */
  control: { p99Ms: number; maxMs: number };
}

/** Add `folder` to `engine`, search every 200 ms through a web host, until idle or `windowMs`; the host loop's delay figures. */
export async function measureHostLoop(engine: HostedTrove, folder: string, windowMs: number): Promise<HostLoopFigures> {
  const host = await startWebHost({ service: engine, rendererDir: join(folder, 'no-ui') });
  try {
    await search(host, 'warm up'); // the first query loads the model in the embedding process
    const control = startControl();
    const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
    delay.enable();
    const started = Date.now();
    const cpu = process.cpuUsage();
    let searches = 0;
    let hits = 0;
    let stop = false;
    const searching = (async () => {
      while (!stop) {
        hits += await search(host, QUERIES[searches++ % QUERIES.length]);
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    await engine.addFolder(folder);
    const idle = engine.whenIdle().then(() => 'idle' as const);
    let timer: NodeJS.Timeout | undefined;
    const endedBy = await Promise.race([idle, new Promise<'window'>((r) => (timer = setTimeout(() => r('window'), windowMs)))]);
    clearTimeout(timer);
    stop = true;
    await searching;
    delay.disable();
    const used = process.cpuUsage(cpu);
    const elapsedMs = Date.now() - started;
    const floor = await control.stop();
    const status = await engine.status();
    return {
      filesIndexed: status.filesIndexed,
      passagesIndexed: status.chunksIndexed,
      seconds: Math.round(elapsedMs / 100) / 10,
      endedBy,
      searches,
      hits,
      p50Ms: ms(delay.percentile(50)),
      p99Ms: ms(delay.percentile(99)),
      maxMs: ms(delay.max),
      hostCpuPercent: Math.round(((used.user + used.system) / 1000 / elapsedMs) * 1000) / 10,
      control: floor,
    };
  } finally {
    await host.close();
  }
}
