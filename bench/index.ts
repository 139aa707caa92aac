/**
 * `npm run bench:index [-- --docs N] [--queries 1000] [--passages 100000] [--from <eval beir --keep dir>] [--spin on|off]`: index the SciFact abstracts as files with the
 * real pipeline and print the figures issues 3 and 9 ask for (hybrid search at 100k passages included). Figures, not pass/fail: compare runs on the same machine.
 */
import Database from 'better-sqlite3';
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbedderProcess } from '../src/core/embed/embedder-process';
import { loadTokenCounter } from '../src/core/embed/tokenizer';
import type { TokenCounter } from '../src/core/embed/types';
import { docFileText, readBeir } from '../src/core/eval/beir';
import { VectorIndex } from '../src/core/vectors/vector-index';
import { createTroveEngine, type TroveEngine } from '../src/core/service/create-service';
import type { TroveService } from '../src/core/trove-service';
import { parseFlags } from '../src/cli/command';

const { flags } = parseFlags(process.argv.slice(2));
const SCIFACT = flags.get('scifact') ?? join(import.meta.dirname, '..', '..', 'shared', 'eval', 'scifact');
const data = readBeir(SCIFACT);
const from = flags.get('from');
// With --from, the documents that index holds (eval beir --docs keeps judged ones first); else the first N.
const docs = from ? data.docs.filter((d) => existsSync(join(from, 'docs', `${d.id}.txt`))) : data.docs.slice(0, Number(flags.get('docs') ?? data.docs.length));
const work = mkdtempSync(join(tmpdir(), 'trove-bench-'));
const docsDir = join(work, 'docs');
const dataDir = join(work, 'data');
mkdirSync(docsDir);
for (const d of docs) writeFileSync(join(docsDir, `${d.id}.txt`), docFileText(d));
// --from <dir>: start from an index built by `eval beir --keep <dir>` (a copy; the original is untouched),
// so that a busy machine measures search without embedding SciFact again.
if (from) {
  const source = new Database(join(from, 'data', 'index.sqlite'), { readonly: true, fileMustExist: true });
  const copy = join(dataDir, 'index.sqlite');
  mkdirSync(dataDir, { recursive: true });
  // Its files are under the other folder: point folder and paths at this one.
  source.prepare('VACUUM INTO ?').run(copy);
  source.close();
  const db = new Database(copy);
  const [oldFolder] = db.prepare('SELECT path FROM folders').pluck().all() as string[];
  db.transaction(() => {
    db.prepare('UPDATE folders SET path = ?').run(docsDir);
    db.prepare('UPDATE files SET path = ? || substr(path, ?)').run(docsDir, oldFolder.length + 1);
  })();
  db.close();
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const rows: [string, string][] = [];
const row = (k: string, v: string) => {
  rows.push([k, v]);
  process.stderr.write(`${k}: ${v}\n`);
};

// --spin on|off: onnxruntime's threads spinning between operators or sleeping (EngineOptions.spin; default the engine's).
const spin = flags.has('spin') ? flags.get('spin') === 'on' : undefined;
const embedder = await EmbedderProcess.start({ spin });
const counter: TokenCounter = await loadTokenCounter();
const open = (watch: boolean) => createTroveEngine({ dataDir, embedder, tokenCounter: counter, watch, debounceMs: 100 });

// 1. Index everything once.
let engine: TroveEngine = await open(false);
let service: TroveService = engine.service;
const stats0 = await embedder.stats();
let t0 = performance.now();
await service.addFolder(docsDir);
await service.whenIdle();
const indexSeconds = (performance.now() - t0) / 1000;
const stats1 = await embedder.stats();
const status = await service.status();
row('corpus', `${docs.length} SciFact abstracts as .txt files (${status.chunksIndexed} passages)${flags.has('from') ? ', index copied from --from (wall time is the check against the disk)' : ''}`);
row('index: wall time', `${indexSeconds.toFixed(1)} s`);
row('index: files/s', (status.filesIndexed / indexSeconds).toFixed(1));
row('index: passages/s', (status.chunksIndexed / indexSeconds).toFixed(1));
row('index: share of wall time inside the model', `${(((stats1.modelMs - stats0.modelMs) / 1000 / indexSeconds) * 100).toFixed(0)} %`);
const dbBytes = ['index.sqlite', 'index.sqlite-wal'].reduce((s, f) => s + (statSync(join(dataDir, f), { throwIfNoEntry: false })?.size ?? 0), 0);
row('database size', `${(dbBytes / 1024 / 1024).toFixed(1)} MB`);

// 2. Search latency over real queries (SciFact claims), query embedding included: each mode in turn
// for the same claim, so the machine's load falls on all three alike; hybrid's cost is the ratio.
const queries = [...data.queries.values()].slice(0, Number(flags.get('queries') ?? 1000));
const modes = ['meaning', 'words', 'hybrid'] as const;
const times = new Map<string, number[]>(modes.map((m) => [m, []]));
for (const text of queries) {
  for (const mode of modes) {
    t0 = performance.now();
    await service.search({ text, k: 10, mode, exact: mode !== 'hybrid' });
    times.get(mode)!.push(performance.now() - t0);
  }
}
for (const mode of modes) {
  const t = times.get(mode)!;
  row(`search latency, ${mode} (${queries.length} claims, ${status.chunksIndexed} passages)`, `p50 ${pct(t, 50).toFixed(1)} ms, p99 ${pct(t, 99).toFixed(1)} ms`);
}
row('hybrid / meaning latency (p50)', `${(pct(times.get('hybrid')!, 50) / pct(times.get('meaning')!, 50)).toFixed(2)}×`);

// 2b. The same at 100,000+ passages: the real vectors repeated with small noise (ranking cost only).
const base: { fileId: number; chunkId: number; v: Float32Array }[] = [];
{
  const { corpus } = engine;
  // Every searched passage's vector, file by file in id order, each file's in passage order.
  const files = corpus.folders().flatMap((d) => corpus.filesInFolder(d.id)).filter((f) => corpus.isSearchable(f.id)).sort((a, b) => a.id - b.id);
  for (const f of files) for (const r of corpus.vectorsOfFile(f.id)) base.push({ fileId: f.id, chunkId: r.chunkId, v: r.vector });
}
const big = new VectorIndex(embedder.dimension, { capacity: 131072 });
for (let copy = 0; big.size < 100_000; copy++) {
  for (const b of base) {
    const v = b.v.map((x) => x + (Math.random() - 0.5) * 0.01);
    big.add(b.chunkId + copy * 1_000_000, v, b.fileId + copy * 1_000_000);
  }
}
const queryVectors = await embedder.encode(queries.slice(0, 200));
const bigTimes = queryVectors.map((q) => {
  const s = performance.now();
  big.searchGroups(q, 10);
  return performance.now() - s;
});
row(`ranking at ${big.size} passages (no query embedding)`, `p50 ${pct(bigTimes, 50).toFixed(1)} ms, p99 ${pct(bigTimes, 99).toFixed(1)} ms`);
await service.close();

// 3. Restart with nothing changed.
t0 = performance.now();
engine = await open(true);
service = engine.service;
const loaded = performance.now() - t0;
await service.whenIdle();
row('restart: index loaded (searchable)', `${loaded.toFixed(0)} ms`);
row('restart: loaded + disk reconciled', `${(performance.now() - t0).toFixed(0)} ms`);
row('restart: files re-embedded with nothing changed', String(engine.indexer.totals.embedded));

// 4. Watch mode: overwrite a file with new text (a real SciFact claim), time until a search for that
// text finds the file first.
const latencies: number[] = [];
const claims = [...data.queries.values()].slice(-50);
for (let i = 0; i < 50; i++) {
  const d = docs[(i * 97) % docs.length];
  const marker = claims[i];
  const path = join(docsDir, `${d.id}.txt`);
  const saved = performance.now();
  writeFileSync(path, `${marker}\n`);
  for (;;) {
    const { hits } = await service.search({ text: marker, k: 1 });
    if (hits[0]?.path === path && hits[0].best.text.includes(marker)) break;
    if (performance.now() - saved > 30_000) throw new Error(`edit ${i} not found after 30 s`);
    await new Promise((r) => setTimeout(r, 20));
  }
  latencies.push(performance.now() - saved);
}
row('watch: save → found (50 edits)', `p50 ${pct(latencies, 50).toFixed(0)} ms, p95 ${pct(latencies, 95).toFixed(0)} ms`);
await service.close();

// 5. Hybrid search at 100,000+ passages: every indexed file stored again under new names (real texts,
// real vectors, keyword rows and all, through the corpus as the indexer would) until the index holds
// 100k passages; then the three modes side by side per claim, and the database with and without FTS5.
const bigDir = join(work, 'big');
mkdirSync(bigDir);
{
  // A copy of the index just measured (no embedding again), opened without looking at the disk.
  const source = new Database(join(dataDir, 'index.sqlite'), { readonly: true });
  source.prepare('VACUUM INTO ?').run(join(bigDir, 'index.sqlite'));
  source.close();
}
engine = await createTroveEngine({ dataDir: bigDir, embedder, tokenCounter: counter, watch: false, reconcileOnStart: false });
service = engine.service;
{
  const { corpus } = engine;
  const folderId = corpus.folders()[0].id;
  const sources = corpus.filesInFolder(folderId).filter((f) => f.state === 'indexed');
  const target = Number(flags.get('passages') ?? 100_000);
  for (let copy = 1; corpus.size < target; copy++) {
    for (const f of sources) corpus.copyFile({ folderId, path: join(docsDir, `copy-${copy}`, f.path.slice(docsDir.length + 1)), size: f.size, mtimeMs: f.mtimeMs, contentHash: f.contentHash }, f);
  }
  const big = new Map<string, number[]>(modes.map((m) => [m, []]));
  for (const text of queries.slice(0, 200)) {
    for (const mode of modes) {
      t0 = performance.now();
      await service.search({ text, k: 10, mode, exact: mode !== 'hybrid' });
      big.get(mode)!.push(performance.now() - t0);
    }
  }
  for (const mode of modes) row(`search latency at ${corpus.size} passages, ${mode} (${Math.min(200, queries.length)} claims)`, `p50 ${pct(big.get(mode)!, 50).toFixed(1)} ms, p99 ${pct(big.get(mode)!, 99).toFixed(1)} ms`);
  row(`hybrid / meaning latency (p50) at ${corpus.size} passages`, `${(pct(big.get('hybrid')!, 50) / pct(big.get('meaning')!, 50)).toFixed(2)}×`);
  // A second connection of its own: the engine keeps its database to itself.
  const db = new Database(join(bigDir, 'index.sqlite'));
  db.pragma('wal_checkpoint(TRUNCATE)');
  const withFts = statSync(join(bigDir, 'index.sqlite')).size;
  const copyPath = join(work, 'no-fts.sqlite');
  db.prepare('VACUUM INTO ?').run(copyPath);
  db.close();
  await service.close();
  const plain = new Database(copyPath);
  plain.exec('DROP TABLE chunk_vocab; DROP TABLE chunk_words; DROP TABLE chunk_stems; DROP TABLE file_words; VACUUM');
  plain.close();
  row(`database size at ${corpus.size} passages`, `${(withFts / 1024 / 1024).toFixed(0)} MB with FTS5, ${(statSync(copyPath).size / 1024 / 1024).toFixed(0)} MB without`);
}

const worker = await embedder.stats();
const mainPeak = process.resourceUsage().maxRSS * 1024;
row('peak RSS', `main ${(mainPeak / 1024 / 1024).toFixed(0)} MB, embedding process ${(worker.peakRssBytes / 1024 / 1024).toFixed(0)} MB`);
await embedder.close();
rmSync(work, { recursive: true, force: true });

process.stdout.write('\n| measure | value |\n| --- | --- |\n' + rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n') + '\n');
