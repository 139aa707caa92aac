/**
 * npm run bench:embed — embedding throughput on 2,000+ real texts (SciFact abstracts), printing
 * texts/s and tokens/s for:
 *   (a) Trove's engine through its process boundary (EmbedderProcess → child process), with the model's
 *       default weights and, when those are a quantised variant, again with fp32 (a'),
 *   (b) the floor: bare onnxruntime-node session.run on the same pre-tokenised, sorted, padded batches,
 *   (c) sentence-transformers on CPU with its defaults (when the tooling venv exists; else skipped),
 * then a/b, a/c and the embedding process's peak RSS.
 * Options: --n <texts> (default 2000), --rounds <r> (interleaved runs of the default and fp32, default 3; medians compared), --python <path> (default $TROVE_PYTHON or ../.venv-trove/bin/python).
 *
 * With `--model <name|folder>[@variant]` (repeat it, or separate names by commas) it instead compares
 * models or variants of one (`--model all-MiniLM-L6-v2@exact,all-MiniLM-L6-v2@int8`): each embeds the
 * same texts as passages through its embedding process, one after the other in this one run, and a
 * table gives texts/s, tokens/s, each one's speed relative to the first and its process's peak RSS.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import * as ort from 'onnxruntime-node';
// @ts-expect-error a plain ES module script without types
import { cpuFeatures } from '../scripts/cpu-features.mjs';
import { parseFlags } from '../src/cli/command';
import { EmbedderProcess } from '../src/core/embed/embedder-process';
import { DEFAULT_BATCH_SIZE, EmbeddingEngine, MAX_BATCH_TOKENS } from '../src/core/embed/engine';
import { defaultModelDir, readManifest } from '../src/core/embed/model-files';
import { ModelLibrary } from '../src/core/models/model-library';
import { defaultDataDir } from '../src/core/questions/app-data-dir';

const { flags } = parseFlags(process.argv.slice(2));
const n = Number(flags.get('n') ?? 2000);
const argv = process.argv.slice(2);
const modelNames = argv.flatMap((a, i) => (a === '--model' ? (argv[i + 1] ?? '').split(',') : a.startsWith('--model=') ? a.slice(8).split(',') : [])).filter(Boolean);
const root = resolve(import.meta.dirname, '..');
const corpusPath = resolve(root, '..', 'shared', 'eval', 'scifact', 'corpus.jsonl');
const texts = readFileSync(corpusPath, 'utf8')
  .split('\n')
  .filter(Boolean)
  .slice(0, n)
  .map((l) => {
    const d = JSON.parse(l) as { title: string; text: string };
    return `${d.title} ${d.text}`;
  });

if (modelNames.length) {
  await compareModels(modelNames);
  process.exit(0);
}

/** texts/s of each model on the same texts, in one run. */
async function compareModels(names: string[]): Promise<void> {
  const library = new ModelLibrary({ dataDir: defaultDataDir() });
  console.log(`corpus: ${texts.length} SciFact abstracts as passages; ${availableParallelism()} cores; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  const rows: Array<{ name: string; id: string; seconds: number; tokens: number; rss: number }> = [];
  for (const name of names) {
    // "name@exact" / "name@int8": a variant of the model, compared like another model.
    const { dir: modelDir, variant } = library.resolveChoice(name);
    const counter = EmbeddingEngine.create({ modelDir, variant, skipCheck: true });
    const tokens = (await counter.tokenize(texts, 'passage')).ids.reduce((a, x) => a + x.length, 0);
    await counter.close();
    const proc = await EmbedderProcess.start({ modelDir, variant });
    await proc.encode(texts.slice(0, 64), { role: 'passage' }); // warm-up: model load and its check
    const t0 = performance.now();
    const vs = await proc.encode(texts, { role: 'passage' });
    const seconds = (performance.now() - t0) / 1000;
    if (vs.length !== texts.length) throw new Error('lost vectors');
    const stats = await proc.stats();
    rows.push({ name, id: proc.modelId, seconds, tokens, rss: stats.peakRssBytes });
    await proc.close();
  }
  console.log('');
  console.log(`| ${'model'.padEnd(40)} | texts/s | tokens/s | tokens/text | vs first | peak RSS |`);
  console.log(`|${'-'.repeat(42)}|--------:|---------:|------------:|---------:|---------:|`);
  for (const r of rows) {
    console.log(
      `| ${r.name.padEnd(40)} | ${(texts.length / r.seconds).toFixed(1).padStart(7)} | ${(r.tokens / r.seconds).toFixed(0).padStart(8)} | ${(r.tokens / texts.length).toFixed(0).padStart(11)} | ${(rows[0].seconds / r.seconds).toFixed(2).padStart(8)} | ${`${(r.rss / 2 ** 20).toFixed(0)} MB`.padStart(8)} |`,
    );
  }
}

// Tokenise once, in this process, for the floor and for the token counts.
const tokenizerEngine = EmbeddingEngine.create();
const { ids } = await tokenizerEngine.tokenize(texts);
await tokenizerEngine.close();
const tokens = ids.reduce((a, x) => a + x.length, 0);
console.log(`corpus: ${texts.length} SciFact abstracts, ${tokens} word pieces after truncation at 256 (${(tokens / texts.length).toFixed(0)}/text); ${availableParallelism()} cores`);
// Quantised kernels differ by CPU: the figures below hold for this instruction set.
console.log(`CPU ${cpuFeatures()}`);

// (b) floor: the same model file, same threads, same sorted batches (same token budget) padded to their own longest.
async function floor(): Promise<number> {
  const manifest = readManifest(defaultModelDir());
  const session = await ort.InferenceSession.create(join(defaultModelDir(), manifest.variants[manifest.default]!), {
    intraOpNumThreads: availableParallelism(),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  });
  const order = ids.map((_, i) => i).sort((a, b) => ids[b].length - ids[a].length || a - b);
  const feeds: Record<string, ort.Tensor>[] = [];
  for (let s = 0; s < order.length; ) {
    const take = Math.max(1, Math.min(DEFAULT_BATCH_SIZE, Math.floor(MAX_BATCH_TOKENS / ids[order[s]].length)));
    const idx = order.slice(s, s + take);
    s += take;
    const len = ids[idx[0]].length;
    const a = new BigInt64Array(idx.length * len);
    const m = new BigInt64Array(idx.length * len);
    idx.forEach((i, b) => ids[i].forEach((t, j) => ((a[b * len + j] = BigInt(t)), (m[b * len + j] = 1n))));
    const dims = [idx.length, len];
    feeds.push({ input_ids: new ort.Tensor('int64', a, dims), attention_mask: new ort.Tensor('int64', m, dims), token_type_ids: new ort.Tensor('int64', new BigInt64Array(a.length), dims) });
  }
  await session.run(feeds[feeds.length - 1]); // warm-up
  const t0 = performance.now();
  for (const f of feeds) await session.run(f);
  const seconds = (performance.now() - t0) / 1000;
  await session.release();
  return seconds;
}

// (a) Trove through its process boundary, from raw strings (tokenising included).
async function trove(variant?: string): Promise<{ seconds: number; peakRss: number }> {
  const proc = await EmbedderProcess.start({ variant });
  await proc.encode(texts.slice(0, 64)); // warm-up: model load
  const t0 = performance.now();
  const vs = await proc.encode(texts);
  const seconds = (performance.now() - t0) / 1000;
  if (vs.length !== texts.length) throw new Error('lost vectors');
  const stats = await proc.stats();
  await proc.close();
  return { seconds, peakRss: stats.peakRssBytes };
}

function sentenceTransformers(): number | string {
  const python = flags.get('python') ?? process.env.TROVE_PYTHON ?? resolve(root, '..', '.venv-trove', 'bin', 'python');
  if (!existsSync(python)) {
    return `skipped: no Python venv at ${python}. Set it up with: python3 -m venv ${python.replace(/\/bin\/python$/, '')} && ${python.replace(/python$/, 'pip')} install -r tools/model/requirements.txt (or pass --python)`;
  }
  const dir = mkdtempSync(join(tmpdir(), 'trove-bench-'));
  try {
    writeFileSync(join(dir, 'texts.json'), JSON.stringify(texts));
    const r = spawnSync(python, [join(root, 'tools', 'bench', 'st_encode.py'), join(dir, 'texts.json')], { encoding: 'utf8' });
    if (r.status !== 0) return `skipped: sentence-transformers failed: ${r.stderr.trim().split('\n').at(-1)}`;
    return (JSON.parse(r.stdout.trim().split('\n').at(-1)!) as { seconds: number }).seconds;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const defaultVariant = readManifest(defaultModelDir()).default;
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`load at start: ${load()}`);
const b = await floor();
// The default weights against fp32 ("exact") in the same run, when the default is a quantised variant:
// runs interleaved (default, fp32, default, fp32 …, --rounds of each) so a busy moment on a shared
// machine falls on both, and the medians are compared.
const rounds = defaultVariant === 'fp32' ? 1 : Math.max(1, Number(flags.get('rounds') ?? 3));
const runsA: Array<{ seconds: number; peakRss: number }> = [];
const runsExact: Array<{ seconds: number; peakRss: number }> = [];
for (let r = 0; r < rounds; r++) {
  runsA.push(await trove());
  if (defaultVariant !== 'fp32') runsExact.push(await trove('fp32'));
  const tps = (x?: { seconds: number }) => (x ? (texts.length / x.seconds).toFixed(1) : '-');
  console.log(`round ${r + 1}: ${defaultVariant} ${tps(runsA.at(-1))} texts/s, fp32 ${tps(runsExact.at(-1))} texts/s; load ${load()}`);
}
const median = (runs: Array<{ seconds: number; peakRss: number }>) => [...runs].sort((x, y) => x.seconds - y.seconds)[Math.floor(runs.length / 2)];
const a = median(runsA);
const exact = runsExact.length ? median(runsExact) : null;
const c = sentenceTransformers();
const row = (name: string, s: number) =>
  `| ${name.padEnd(44)} | ${(texts.length / s).toFixed(1).padStart(8)} | ${(tokens / s).toFixed(0).padStart(9)} | ${s.toFixed(1).padStart(6)} |`;
console.log('');
console.log(`| ${'path'.padEnd(44)} |  texts/s |  tokens/s |      s |`);
console.log(`|${'-'.repeat(46)}|---------:|----------:|-------:|`);
console.log(row(`(a) Trove engine via embedding process, ${defaultVariant}`, a.seconds));
if (exact) console.log(row("(a') Trove engine via embedding process, fp32", exact.seconds));
console.log(row('(b) floor: bare onnxruntime-node session.run', b));
if (typeof c === 'number') console.log(row('(c) sentence-transformers (PyTorch CPU)', c));
console.log('');
console.log(`a/b = ${(b / a.seconds).toFixed(3)}  (Trove throughput as a share of the floor; goal ≥ 0.9)`);
console.log(typeof c === 'number' ? `a/c = ${(c / a.seconds).toFixed(2)}  (Trove vs sentence-transformers; goal > 1, 2× or better)` : `a/c: ${c}`);
if (exact) console.log(`a/a' = ${(exact.seconds / a.seconds).toFixed(2)}  (default ${defaultVariant} vs fp32 texts/s, medians of ${rounds} interleaved runs; goal ≥ 1.4)`);
console.log(`load at end: ${load()}`);
console.log(`embedding process peak RSS: ${(a.peakRss / 2 ** 20).toFixed(0)} MB${exact ? ` (${defaultVariant}), ${(exact.peakRss / 2 ** 20).toFixed(0)} MB (fp32)` : ''}`);
