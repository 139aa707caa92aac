/**
 * `npm run bench:embed-placement [-- --n 300 --rounds 2]` — where embedding runs, decided by measurement
 * (issue 11, item 1: "the embedding may share the engine's process or keep its own"). The same real
 * passages (SciFact abstracts) are embedded (a) by an EmbeddingEngine inside the measuring process, as
 * if the engine process embedded itself, and (b) through the embedding process (EmbedderProcess), as
 * now; meanwhile the measuring process's event-loop delay is recorded — what a search sent to the engine
 * waits before it even starts. Rounds alternate (a), (b) so machine load hits both alike. One JSON line
 * per run: texts/s and the loop delay's p50 / p99 / max.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseFlags } from '../src/cli/command';
import { EmbedderProcess } from '../src/core/embed/embedder-process';
import { EmbeddingEngine } from '../src/core/embed/engine';
import type { Embedder } from '../src/core/embed/types';

const { flags } = parseFlags(process.argv.slice(2));
const n = Number(flags.get('n') ?? 300);
const rounds = Number(flags.get('rounds') ?? 2);
const root = resolve(import.meta.dirname, '..');
const texts = readFileSync(resolve(root, '..', 'shared', 'eval', 'scifact', 'corpus.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .slice(0, n)
  .map((l) => {
    const d = JSON.parse(l) as { title: string; text: string };
    return `${d.title} ${d.text}`;
  });
const ms = (ns: number) => Math.round(ns / 1e4) / 100;

for (let round = 0; round < rounds; round++) {
  for (const where of ['engine process', 'own process'] as const) {
    const embedder: Embedder = where === 'engine process' ? EmbeddingEngine.create() : await EmbedderProcess.start();
    await embedder.encode(texts.slice(0, 32), { role: 'passage' }); // model loaded and checked
    const loop = monitorEventLoopDelay({ resolution: 1 });
    loop.enable();
    const t0 = performance.now();
    await embedder.encode(texts, { role: 'passage' });
    const seconds = (performance.now() - t0) / 1000;
    loop.disable();
    await embedder.close();
    process.stdout.write(
      JSON.stringify({ embedding: where, texts: n, textsPerS: Math.round((n / seconds) * 10) / 10, loopP50Ms: ms(loop.percentile(50)), loopP99Ms: ms(loop.percentile(99)), loopMaxMs: ms(loop.max), load: loadavg()[0].toFixed(1) }) + '\n',
    );
  }
}
