/**
 * npm run bench:embed — embedding throughput on 2,000+ real texts (SciFact abstracts), printing
 * texts/s and tokens/s for:
 *   (a) Trove's engine through its process boundary (EmbedderProcess → child process), with the model's
 *       default weights and, when those are a quantised variant, again with fp32 (a'),
 *   (b) the floor: bare onnxruntime-node session.run on the same pre-tokenised, sorted, padded batches,
 *   (c) sentence-transformers on CPU with its defaults (when the tooling venv exists; else skipped),
 * then a/b, a/c and the embedding process's peak RSS.
 * Options: --n <texts> (default 2000), --rounds <r> (interleaved runs of the default and fp32, default 3; medians compared), --python <path> (default $TROVE_PYTHON or ../.venv-trove/bin/python),
 * --spin-too (Trove also with onnxruntime's threads spinning the other way than the default, in the same rounds).
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
import { EmbeddingEngine, SPIN, textsPerCall } from '../src/core/embed/engine';
import { defaultModelDir, readManifest } from '../src/core/embed/model-files';
import { ModelLibrary } from '../src/core/models/model-library';
import { defaultDataDir } from '../src/core/questions/app-data-dir';

const { flags } = parseFlags(process.argv.slice(2), ['spin-too']);
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

// (b) floor: the same model file, same threads, same sorted batches (same token budget) padded to
// their own longest, with onnxruntime's session defaults; for the default weights and for fp32.
async function floor(variant: string): Promise<number> {
  const manifest = readManifest(defaultModelDir());
  const session = await ort.InferenceSession.create(join(defaultModelDir(), manifest.variants[variant]!), {
    intraOpNumThreads: availableParallelism(),
    interOpNumThreads: 1,
    graphOptimizationLevel: 'all',
    executionMode: 'sequential',
  });
  const order = ids.map((_, i) => i).sort((a, b) => ids[b].length - ids[a].length || a - b);
  const feeds: Record<string, ort.Tensor>[] = [];
  for (let s = 0; s < order.length; ) {
    const take = textsPerCall(ids[order[s]].length);
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

interface TroveRun {
  seconds: number;
  peakRss: number;
  /** Where the embedding process's time went (its own counters), in ms. */
  tokenizeMs: number;
  modelMs: number;
}

// (a) Trove through its process boundary, from raw strings (tokenising included).
async function trove(variant: string, spin?: boolean): Promise<TroveRun> {
  const proc = await EmbedderProcess.start({ variant, spin });
  await proc.encode(texts.slice(0, 64)); // warm-up: model load
  const before = await proc.stats();
  const t0 = performance.now();
  const vs = await proc.encode(texts);
  const seconds = (performance.now() - t0) / 1000;
  if (vs.length !== texts.length) throw new Error('lost vectors');
  const stats = await proc.stats();
  await proc.close();
  return { seconds, peakRss: stats.peakRssBytes, tokenizeMs: stats.tokenizeMs - before.tokenizeMs, modelMs: stats.modelMs - before.modelMs };
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
const variants = defaultVariant === 'fp32' ? ['fp32'] : [defaultVariant, 'fp32'];
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
console.log(`load at start: ${load()}`);
// Every path of every variant once per round, interleaved (floor, Trove; default weights, fp32), so a busy
// moment on a shared machine falls on all of them; the medians of --rounds rounds are compared.
const rounds = Math.max(1, Number(flags.get('rounds') ?? 3));
const runs = new Map(variants.map((v) => [v, { floor: [] as number[], trove: [] as TroveRun[], spun: [] as TroveRun[] }]));
// --spin-too: Trove again with onnxruntime's threads spinning between operators (EngineOptions.spin), beside the default.
const spinToo = flags.has('spin-too');
const tps = (s: number) => (texts.length / s).toFixed(1);
for (let r = 0; r < rounds; r++) {
  const parts: string[] = [];
  for (const v of variants) {
    const m = runs.get(v)!;
    m.floor.push(await floor(v));
    m.trove.push(await trove(v));
    if (spinToo) m.spun.push(await trove(v, !SPIN));
    parts.push(`${v} Trove ${tps(m.trove.at(-1)!.seconds)}${spinToo ? ` (spin ${!SPIN ? 'on' : 'off'}: ${tps(m.spun.at(-1)!.seconds)})` : ''} / floor ${tps(m.floor.at(-1)!)} texts/s`);
  }
  console.log(`round ${r + 1}: ${parts.join('; ')}; load ${load()}`);
}
const medianOf = (xs: number[]) => [...xs].sort((x, y) => x - y)[Math.floor(xs.length / 2)];
const medianRun = (xs: TroveRun[]) => [...xs].sort((x, y) => x.seconds - y.seconds)[Math.floor(xs.length / 2)];
const c = sentenceTransformers();
const row = (name: string, s: number) =>
  `| ${name.padEnd(48)} | ${(texts.length / s).toFixed(1).padStart(8)} | ${(tokens / s).toFixed(0).padStart(9)} | ${s.toFixed(1).padStart(6)} |`;
console.log('');
console.log(`| ${'path'.padEnd(48)} |  texts/s |  tokens/s |      s |`);
console.log(`|${'-'.repeat(50)}|---------:|----------:|-------:|`);
for (const v of variants) {
  const m = runs.get(v)!;
  console.log(row(`(a) Trove via embedding process, ${v}`, medianRun(m.trove).seconds));
  console.log(row(`(b) floor: bare session.run, ${v}`, medianOf(m.floor)));
}
if (typeof c === 'number') console.log(row('(c) sentence-transformers (PyTorch CPU, fp32)', c));
console.log('');
for (const v of variants) {
  const m = runs.get(v)!;
  // The ratio per round (each Trove run against the floor run beside it), then the median.
  const ratios = m.trove.map((t, i) => m.floor[i] / t.seconds);
  console.log(`a/b ${v} = ${medianOf(ratios).toFixed(3)}  (rounds: ${ratios.map((x) => x.toFixed(3)).join(', ')}; goal ≥ 0.9)`);
  if (spinToo) {
    const spun = m.spun.map((t, i) => m.floor[i] / t.seconds);
    console.log(`a/b ${v}, spin ${!SPIN ? 'on' : 'off'} = ${medianOf(spun).toFixed(3)}  (rounds: ${spun.map((x) => x.toFixed(3)).join(', ')})`);
  }
}
for (const v of variants) {
  // Where Trove's time goes, from the embedding process's own counters (median run).
  const t = medianRun(runs.get(v)!.trove);
  const wall = t.seconds * 1000;
  const other = wall - t.tokenizeMs - t.modelMs;
  const pct = (x: number) => `${((100 * x) / wall).toFixed(1)} %`;
  console.log(`profile ${v}: model ${t.modelMs.toFixed(0)} ms (${pct(t.modelMs)}), tokenising ${t.tokenizeMs.toFixed(0)} ms (${pct(t.tokenizeMs)}), the rest ${other.toFixed(0)} ms (${pct(other)}: building inputs, pooling, messages, waiting)`);
}
const a = medianRun(runs.get(defaultVariant)!.trove);
console.log(typeof c === 'number' ? `a/c = ${(c / a.seconds).toFixed(2)}  (Trove ${defaultVariant} vs sentence-transformers; goal ≥ 1.8 on a CPU with VNNI)` : `a/c: ${c}`);
if (typeof c === 'number' && variants.length > 1) console.log(`a'/c = ${(c / medianRun(runs.get('fp32')!.trove).seconds).toFixed(2)}  (Trove fp32 vs sentence-transformers)`);
if (variants.length > 1) console.log(`a/a' = ${(medianRun(runs.get('fp32')!.trove).seconds / a.seconds).toFixed(2)}  (default ${defaultVariant} vs fp32 texts/s; goal ≥ 1.4)`);
console.log(`load at end: ${load()}`);
console.log(`embedding process peak RSS: ${variants.map((v) => `${(medianRun(runs.get(v)!.trove).peakRss / 2 ** 20).toFixed(0)} MB (${v})`).join(', ')}`);
