/**
 * `npm run bench:scale [-- --sizes 100000,1000000 --queries 200 --python PATH --cache DIR]`
 *
 * Ranks 100,000 and 1,000,000 passages with the engine's vector index (src/core/vectors) and prints one
 * JSON line per size: p50/p95 query ms, recall@10 against an exact float32 ranking, the RSS of the
 * process holding the index, and cold start-to-searchable seconds (a fresh process — the holder, bundled
 * and run in plain Node as the app's engine is — opens the database and the saved vector file and
 * answers its first query). Figures, not pass/fail.
 *
 * Vectors: real embeddings of real passages grown by mixing (bench/scale-data.ts says how). Each size
 * is built once into the cache folder as the app keeps it: a SQLite file holding every float32 vector
 * (the truth) and the saved int8 index beside it.
 *
 * FAISS, when set up, ranks the same vectors and queries in the same run (IndexFlatIP, one thread, as
 * the index): `python3 -m venv ../venv-faiss && ../venv-faiss/bin/pip install -r tools/bench/requirements-faiss.txt`,
 * then pass `--python ../venv-faiss/bin/python` or set TROVE_FAISS_PYTHON. Without it the line says so.
 */
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync, writeFileSync, openSync, writeSync, closeSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { parseFlags } from '../src/cli/command';
import { VectorKernels } from '../src/core/questions/vector-kernels';
import { TopK } from '../src/core/vectors/top-k';
import { vectorToBlob } from '../src/core/vectors/blob';
import { saveVectors } from '../src/core/vectors/vector-file';
import { sqliteFloatRows } from '../src/core/vectors/sqlite-float-rows';
import { VectorIndex } from '../src/core/vectors/vector-index';
import { defaultCacheDir, grownRow, realVectors } from './scale-data';

const root = resolve(import.meta.dirname, '..');
const { flags } = parseFlags(process.argv.slice(2));
const sizes = (flags.get('sizes') ?? '100000,1000000').split(',').map(Number);
const queryCount = Number(flags.get('queries') ?? 200);
const cache = flags.get('cache') ?? defaultCacheDir();
const python = flags.get('python') ?? process.env.TROVE_FAISS_PYTHON ?? resolve(root, '..', 'venv-faiss', 'bin', 'python');
const K = 10;
/** Bumped when the stored layout or the grown rows change, so an old cache is rebuilt. */
const DATA_VERSION = 4;

// The holder runs as the app's engine does: bundled JavaScript in plain Node (tsx's loader and
// compiler would add about 30 MB to the RSS measured; natives stay outside the bundle).
const holder = join(root, 'out', 'bench', 'scale-holder.mjs');
await (await import('esbuild')).build({
  entryPoints: [join(root, 'bench', 'scale-holder.ts')],
  outfile: holder,
  bundle: true,
  platform: 'node',
  format: 'esm',
  packages: 'external',
  logLevel: 'warning',
});

const real = await realVectors(cache);
const d = real.dimension;
const queries = real.queries.subarray(0, queryCount * d);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];

for (const n of sizes) {
  const base = join(cache, `scale-${n}-v${DATA_VERSION}`);
  const dbPath = `${base}.sqlite`;
  const vecPath = `${base}.vectors`;
  const f32Path = `${base}.f32`;
  const stamp = `bench:${n}:${DATA_VERSION}`;
  let buildSeconds: number | null = null;
  let graphSeconds: number | null = null;

  // 1. The corpus as the app keeps it: float32 vectors in SQLite, int8 index saved beside it. Built once.
  if (!existsSync(vecPath)) {
    const t0 = performance.now();
    mkdirSync(cache, { recursive: true });
    for (const f of [dbPath, `${dbPath}-wal`, `${dbPath}-shm`, f32Path]) rmSync(f, { force: true });
    const db = new Database(dbPath);
    db.pragma('journal_mode = WAL');
    db.exec('CREATE TABLE vectors (id INTEGER PRIMARY KEY, file_id INTEGER NOT NULL, vector BLOB NOT NULL)');
    const insert = db.prepare('INSERT INTO vectors (id, file_id, vector) VALUES (?, ?, ?)');
    // Built on every core here (the app builds its graph on one thread, between searches).
    const index = new VectorIndex(d, { capacity: n, threads: cpus().length, floats: sqliteFloatRows(db, 'SELECT vector FROM vectors WHERE id = ?', d) });
    const row = new Float32Array(d);
    // The raw float32 matrix for FAISS, written as it is generated (never all in memory).
    const f32 = openSync(f32Path, 'w');
    const block = 10_000;
    for (let start = 0; start < n; start += block) {
      const rows = new Float32Array(Math.min(block, n - start) * d);
      db.transaction(() => {
        for (let i = start; i < start + rows.length / d; i++) {
          grownRow(real, i, row, 0);
          rows.set(row, (i - start) * d);
          // Passages of a file are neighbours: eight per file, as a long document gives.
          insert.run(i + 1, Math.floor(i / 8) + 1, vectorToBlob(row));
          index.add(i + 1, row, Math.floor(i / 8) + 1);
        }
      })();
      writeSync(f32, new Uint8Array(rows.buffer));
      process.stderr.write(`\rbuilding ${n}: ${Math.min(start + block, n)} rows`);
    }
    closeSync(f32);
    const tGraph = performance.now();
    process.stderr.write(`\ngraph over ${n} rows (${cpus().length} threads)…`);
    index.finishGraph();
    graphSeconds = (performance.now() - tGraph) / 1000;
    db.close();
    saveVectors(vecPath, index.state(), stamp);
    buildSeconds = (performance.now() - t0) / 1000;
    process.stderr.write(` (${buildSeconds.toFixed(0)} s)\n`);
  }

  // 2. Exact float32 top-10 of every query (onnxruntime GEMM over blocks of the matrix).
  const truth = await exactTopK(f32Path, n);

  // 3. A fresh process opens the index and answers the queries: start-to-searchable, latency, RSS.
  const child = spawnSync(process.execPath, [holder, dbPath, vecPath, stamp, String(d), String(K)], {
    input: Buffer.from(queries.buffer, queries.byteOffset, queries.byteLength),
    maxBuffer: 1 << 28,
    encoding: 'buffer',
  });
  if (child.status !== 0) throw new Error(`holder process failed: ${child.stderr.toString()}`);
  const held = JSON.parse(child.stdout.toString()) as { startSeconds: number; times: number[]; cpuTimes: number[]; ids: number[][]; rssMB: number; peakRssMB: number };
  let hits = 0;
  held.ids.forEach((ids, q) => (hits += ids.filter((id) => truth[q].has(id)).length));

  // 4. FAISS on the same vectors and queries, if set up.
  const faiss = runFaiss(f32Path, n);

  process.stdout.write(
    JSON.stringify({
      passages: n,
      queries: held.times.length,
      p50Ms: round(pct(held.times, 50)),
      p95Ms: round(pct(held.times, 95)),
      cpuP50Ms: round(pct(held.cpuTimes, 50)),
      recallAt10: round(hits / (held.ids.length * K), 4),
      rssMB: held.rssMB,
      peakRssMB: held.peakRssMB,
      startToSearchableS: round(held.startSeconds, 2),
      faissFlatIpP50Ms: faiss.p50 === null ? null : round(faiss.p50),
      faiss: faiss.note,
      buildSeconds: buildSeconds === null ? 'cached' : round(buildSeconds, 0),
      graphBuildSeconds: graphSeconds === null ? 'cached' : round(graphSeconds, 0),
      loadAverage: loadavg().map((x) => round(x, 1)),
    }) + '\n',
  );
}

function round(x: number, digits = 1): number {
  return Number(x.toFixed(digits));
}

async function exactTopK(f32Path: string, n: number): Promise<Set<number>[]> {
  const { readSync, openSync: open, closeSync: close } = await import('node:fs');
  const kernels = new VectorKernels(d);
  const m = queries.length / d;
  const best = Array.from({ length: m }, () => new TopK(K));
  const fd = open(f32Path, 'r');
  const block = 100_000;
  for (let start = 0; start < n; start += block) {
    const rows = Math.min(block, n - start);
    const corpus = new Float32Array(rows * d);
    readSync(fd, new Uint8Array(corpus.buffer), 0, corpus.byteLength, start * d * 4);
    const scores = await kernels.scores(queries, corpus);
    for (let q = 0; q < m; q++) for (let j = 0; j < rows; j++) best[q].push(scores[q * rows + j], start + j + 1);
  }
  close(fd);
  await kernels.close();
  return best.map((top) => new Set(top.result().map((h) => h.corpusId)));
}

function runFaiss(f32Path: string, n: number): { p50: number | null; note: string } {
  if (!existsSync(python)) return { p50: null, note: `not set up: no Python at ${python} (see the comment at the top of bench/scale.ts)` };
  const qPath = join(cache, 'bench-queries.f32');
  writeFileSync(qPath, queries);
  const r = spawnSync(python, [join(root, 'tools', 'bench', 'faiss_flat.py'), f32Path, String(n), String(d), qPath, String(K)], { encoding: 'utf8' });
  if (r.status !== 0) return { p50: null, note: `failed: ${(r.stderr || r.stdout).trim().split('\n').at(-1)}` };
  const out = JSON.parse(r.stdout) as { p50Ms: number; faiss: string; threads: number };
  return { p50: out.p50Ms, note: `faiss-cpu ${out.faiss}, IndexFlatIP, ${out.threads} thread` };
}
