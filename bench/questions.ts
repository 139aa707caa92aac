/**
 * npm run bench:questions [-- --n 100000] [--asks 1000] [--data <dir>]
 *
 * With --data the bank is kept there, and a run that was interrupted resumes: the import embeds only
 * the texts not yet stored (the import rate is over the texts embedded in this run).
 *
 * A question bank of real short texts — SciFact claims and titles, sentences split from the SciFact
 * abstracts (and their clauses, split at , ; : and parentheses), STS-B sentences — imported through
 * the service with the embedding engine in its own process, as the CLI and app run it. Prints the import
 * rate next to the pure encode rate on a sample, lookup p50/p99 (embedding of the asked question
 * included), duplicate mining and clustering time, and peak memory.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseFlags } from '../src/cli/command';
import { EmbedderProcess } from '../src/core/embed/embedder-process';
import { createQuestionService } from '../src/core/questions/question-service';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const evalDir = join(root, '..', 'shared', 'eval');
const { flags } = parseFlags(process.argv.slice(2));
const N = Number(flags.get('n') ?? 100000);
const ASKS = Number(flags.get('asks') ?? 1000);

function texts(): { bank: string[]; asks: string[] } {
  const corpus = readFileSync(join(evalDir, 'scifact', 'corpus.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as { title: string; text: string });
  const claims = readFileSync(join(evalDir, 'scifact', 'queries.jsonl'), 'utf8').split('\n').filter(Boolean).map((l) => (JSON.parse(l) as { text: string }).text);
  const sts = readFileSync(join(evalDir, 'stsb', 'sts-test.csv'), 'utf8').split('\n').flatMap((l) => l.split('\t').slice(5, 7));
  const sentences = corpus.flatMap((d) => d.text.split(/(?<=[.!?])\s+(?=[A-Z(\[])/)).map((s) => s.trim()).filter((s) => s.length >= 20);
  const clauses = sentences.flatMap((s) => s.split(/[;:,]\s+|\s+\(|\)\s+/)).map((s) => s.replace(/^[\s,;:()]+|[\s,;:()]+$/g, '')).filter((s) => s.length >= 25 && s.includes(' '));
  const all = [...new Set([...claims, ...corpus.map((d) => d.title), ...sts, ...sentences, ...clauses].map((s) => s.replace(/\s+/g, ' ').trim()).filter(Boolean))];
  // Deterministic shuffle so a smaller --n still mixes every source.
  let seed = 42;
  const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  for (let i = all.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [all[i], all[j]] = [all[j], all[i]];
  }
  if (all.length < N) throw new Error(`only ${all.length} distinct texts available, asked for ${N}`);
  return { bank: all.slice(0, N), asks: claims.slice(0, ASKS) };
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))];
const mb = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MB`;

async function main() {
  const { bank, asks } = texts();
  const keep = flags.get('data');
  const dir = keep ?? mkdtempSync(join(tmpdir(), 'trove-bench-questions-'));
  mkdirSync(dir, { recursive: true });
  const file = join(dir, 'bank.jsonl');
  writeFileSync(file, bank.map((q) => JSON.stringify({ question: q })).join('\n'));
  const embedder = await EmbedderProcess.start();
  const service = createQuestionService({ dataDir: join(dir, 'data'), embedder });
  const rows: Array<[string, string]> = [];
  const log = (k: string, v: string) => {
    rows.push([k, v]);
    process.stderr.write(`${k}: ${v}\n`);
  };
  try {
    await embedder.warmup();
    const sample = bank.filter((_, i) => i % Math.max(1, Math.floor(bank.length / 2000)) === 0).slice(0, 2000);
    let t = performance.now();
    await embedder.encode(sample);
    const encodeRate = sample.length / ((performance.now() - t) / 1000);
    log('encode rate (pure embedder.encode, sample)', `${encodeRate.toFixed(0)} texts/s (${sample.length} texts)`);

    t = performance.now();
    const report = await service.importFile(file, { bank: 'bench' });
    const importS = (performance.now() - t) / 1000;
    const rate = report.embedded / importS;
    log(
      'import',
      `${report.embedded} texts embedded and stored in ${importS.toFixed(1)} s = ${rate.toFixed(0)} texts/s (${((rate / encodeRate) * 100).toFixed(0)}% of the encode rate); ` +
        `bank ${report.bank.size} questions (${report.unchanged} already stored), skipped ${report.skipped.length}, truncated ${report.truncated.length}`,
    );

    t = performance.now();
    await service.ask('bench', 'warm up the index', { k: 10 });
    log('index load (first ask)', `${(performance.now() - t).toFixed(0)} ms`);
    const times: number[] = [];
    for (const q of asks) {
      const t0 = performance.now();
      await service.ask('bench', q, { k: 10 });
      times.push(performance.now() - t0);
    }
    log(`lookup, ${times.length} asks, k=10 (embedding included)`, `p50 ${pct(times, 50).toFixed(1)} ms, p99 ${pct(times, 99).toFixed(1)} ms`);

    t = performance.now();
    const dupes = await service.duplicates('bench', { threshold: 0.85 });
    log('duplicates (threshold 0.85, top_k 100)', `${((performance.now() - t) / 1000).toFixed(1)} s, ${dupes.length} pairs`);

    t = performance.now();
    const clusters = await service.clusters('bench', { threshold: 0.75, minSize: 3 });
    log('clusters (threshold 0.75, min size 3)', `${((performance.now() - t) / 1000).toFixed(1)} s, ${clusters.length} clusters, largest ${clusters[0]?.size ?? 0}`);

    const child = await embedder.stats();
    log('peak RSS', `main ${mb(process.resourceUsage().maxRSS * 1024)}, embedder process ${mb(child.peakRssBytes)}`);
  } finally {
    await service.close();
    await embedder.close();
    if (!keep) rmSync(dir, { recursive: true, force: true });
  }
  process.stdout.write(`\n| bench:questions, ${N.toLocaleString('en')} texts | |\n| --- | --- |\n${rows.map(([k, v]) => `| ${k} | ${v} |`).join('\n')}\n`);
}

main().catch((err) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exitCode = 1;
});
