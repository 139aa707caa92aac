/**
 * `npm run bench:rerank [-- --reranker <name|folder>] [--docs 1000] [--queries 100] [--rounds 2]`:
 * search latency (p50/p95, ms) on SciFact with and without re-ranking at depths 10/20/30/50/100, the
 * passes interleaved round by round so a busy machine slows them alike. The depth search uses by
 * default (RERANK_DEPTH) is chosen from these figures against the budget (re-ranked p50 ≤ 250 ms).
 *
 * The re-ranker defaults to the STS-B cross-encoder built by tools/model (cache folder), else the tiny
 * test fixture (its size differs from a real re-ranker's: say which one made a figure).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, homedir, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseFlags } from '../src/cli/command';
import { readCrossEncoder } from '../src/core/embed/cross-encoder-model';
import { EmbedderProcess } from '../src/core/embed/embedder-process';
import { shippedModelsDir } from '../src/core/embed/model-files';
import { loadTokenCounter } from '../src/core/embed/tokenizer';
import { docFileText, readBeir } from '../src/core/eval/beir';
import { RERANK_BLEND } from '../src/core/search/rerank';
import { createTroveEngine } from '../src/core/service/create-service';
// @ts-expect-error a plain ES module script without types
import { cpuFeatures } from '../scripts/cpu-features.mjs';

const { flags } = parseFlags(process.argv.slice(2));
const SCIFACT = flags.get('scifact') ?? join(import.meta.dirname, '..', '..', 'shared', 'eval', 'scifact');
const candidates = [
  flags.get('reranker'),
  join(process.env.TROVE_MODEL_CACHE ?? join(homedir(), '.cache', 'trove-models'), 'minilm-l6-stsb-cross-encoder'),
  join(shippedModelsDir(), 'test-fixtures', 'tiny-cross-encoder'),
].filter((d): d is string => !!d);
const rerankerDir = resolve(candidates.find((d) => existsSync(d))!);
const reranker = readCrossEncoder(rerankerDir);
const data = readBeir(SCIFACT);
const docs = data.docs.slice(0, Number(flags.get('docs') ?? 1000));
const queries = [...data.qrels.keys()].slice(0, Number(flags.get('queries') ?? 100)).map((q) => data.queries.get(q)!);
const rounds = Number(flags.get('rounds') ?? 2);
const depths = [10, 20, 30, 50, 100];

const work = mkdtempSync(join(tmpdir(), 'trove-bench-rerank-'));
try {
  const docsDir = join(work, 'docs');
  mkdirSync(docsDir);
  for (const d of docs) writeFileSync(join(docsDir, `${d.id}.txt`), docFileText(d));
  const embedder = await EmbedderProcess.start();
  const choice = { name: 'bench', label: reranker.id, dir: rerankerDir };
  const { service, fileSearch } = await createTroveEngine({ dataDir: join(work, 'data'), embedder, tokenCounter: await loadTokenCounter(), watch: false, reranker: () => choice });
  await service.addFolder(docsDir);
  await service.whenIdle();
  await service.setSettings({ reranker: 'bench' });
  const status = await service.status();
  process.stderr.write(`indexed ${status.filesIndexed} files (${status.chunksIndexed} passages); re-ranker ${reranker.id} (max ${reranker.maxSeqLength} tokens), ${queries.length} queries × ${rounds} rounds\n`);
  // Warm both models (first calls load weights).
  await service.search({ text: queries[0], rerank: true });

  const passes = ['off', ...depths.map(String)];
  const times = new Map<string, number[]>(passes.map((p) => [p, []]));
  for (let round = 0; round < rounds; round++) {
    for (const text of queries) {
      for (const pass of passes) {
        if (pass !== 'off') fileSearch.rerankOptions = { depth: Number(pass), blend: RERANK_BLEND };
        const t0 = performance.now();
        await service.search({ text, exact: true, rerank: pass !== 'off' });
        times.get(pass)!.push(performance.now() - t0);
      }
    }
  }
  const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
  const cpu = `${cpuFeatures()}, ${availableParallelism()} threads`;
  console.log(`bench:rerank — ${cpu}; re-ranker ${reranker.id}`);
  for (const pass of passes) {
    const xs = times.get(pass)!;
    console.log(`  ${pass === 'off' ? 'no re-ranking    ' : `re-rank top ${pass.padEnd(4)} `} p50 ${pct(xs, 50).toFixed(1).padStart(7)} ms   p95 ${pct(xs, 95).toFixed(1).padStart(7)} ms   (${xs.length} searches)`);
  }
  await service.close();
  await embedder.close();
} finally {
  rmSync(work, { recursive: true, force: true });
}
