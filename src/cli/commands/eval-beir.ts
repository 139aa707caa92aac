/**
 * `eval beir <scifact folder>` (flags in command-table.ts): write every document as a file, index
 * the folder with the real pipeline, run the test queries through search, print nDCG@10 (×100) as one
 * JSON line: the default (hybrid) search as `ndcg_at_10`, meaning alone as `dense`, words alone as
 * `keyword` (or one --mode only).
 *
 * --qrels train runs the training claims instead of the test ones (SciFact: 809 against 300): every
 * weight, cut-off and depth is chosen on train, and only reported on test.
 *
 * --docs <n> keeps every judged document and fills up to n with the first others (a smaller corpus
 * for comparing settings on a busy machine; its nDCG is higher than the full corpus's).
 * --fusion-table prints one line per fusion (meaning and words alone, reciprocal rank fusion, convex
 * combinations): the measurement that chose search's fusion. --cutoff prints, for candidate "No good
 * matches" lines, the share of the test queries (each has a relevant document) that would be flagged
 * against the share of the sentences of an STS file (off-topic for the corpus) that would be.
 *
 * The temporary folder (about 100 MB for SciFact) is removed at the end, on Ctrl+C or SIGTERM, and,
 * when a run was killed outright, by the next run: its name carries the owner's pid.
 */
import { startEmbedder } from '../start-embedder';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenCounter } from '../../core/embed/tokenizer';
import { docFileText, ndcgAtK, queryKinds, readBeir } from '../../core/eval/beir';
import { readSts } from '../../core/eval/sts';
import type { Fusion } from '../../core/search/search';
import { createTroveEngine } from '../../core/service/create-service';
import type { TroveService } from '../../core/trove-service';
import type { SearchMode } from '../../shared/types';
import { UsageError, type CommandLine } from '../command';
import { chosenModel, chosenReranker } from '../model-choice';
import { rerankReport, withScoreCache, writeCandidates } from './eval-rerank';
import { formatProgressLine, progressLines } from '../progress-lines';
import { formatProgress } from './index';

const PREFIX = 'trove-beir-';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/** Remove the folders of earlier runs that were killed (SIGKILL leaves no chance to clean up). */
function sweepAbandoned(): void {
  for (const name of readdirSync(tmpdir())) {
    const pid = Number(/^trove-beir-(\d+)-/.exec(name)?.[1]);
    if (pid && pid !== process.pid && !alive(pid)) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

export async function evalBeir({ positional, flags }: CommandLine): Promise<number> {
  const dir = positional[0];
  const mode = flags.get('mode') as SearchMode | undefined;
  if (mode !== undefined && !['hybrid', 'meaning', 'words'].includes(mode)) throw new UsageError('--mode must be hybrid, meaning or words');
  const reranker = chosenReranker(flags);
  const report: Report = flags.has('candidates')
    ? { kind: 'candidates', out: flags.get('candidates')! }
    : reranker
      ? { kind: 'rerank', reranker, table: flags.has('rerank-table') }
      : flags.has('fusion-table')
        ? { kind: 'fusion' }
        : flags.has('cutoff')
          ? { kind: 'cutoff', sts: flags.get('cutoff')! }
          : { kind: 'ndcg', mode };
  const split = flags.get('qrels') ?? 'test';
  if (!['train', 'test'].includes(split)) throw new UsageError('--qrels must be train or test');
  sweepAbandoned();
  const data = firstQueries(subset(readBeir(dir, split), flags.get('docs')), flags.get('queries'));
  const keep = flags.has('keep');
  const work = flags.get('keep') ?? mkdtempSync(join(tmpdir(), `${PREFIX}${process.pid}-`));
  const cleanUp = () => {
    if (!keep) rmSync(work, { recursive: true, force: true });
  };
  const onSignal = (signal: NodeJS.Signals) => {
    cleanUp();
    process.stderr.write(`\neval beir: stopped (${signal}); temporary files removed\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const docsDir = join(work, 'docs');
    mkdirSync(docsDir, { recursive: true });
    for (const doc of data.docs) writeFileSync(join(docsDir, `${doc.id}.txt`), docFileText(doc));
    return await run(data, work, docsDir, chosenModel(flags), report);
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    cleanUp();
  }
}

type Report =
  | { kind: 'ndcg'; mode: SearchMode | undefined }
  | { kind: 'fusion' }
  | { kind: 'cutoff'; sts: string }
  | { kind: 'rerank'; reranker: { dir: string; id: string }; table: boolean }
  | { kind: 'candidates'; out: string };
type BeirData = ReturnType<typeof readBeir>;

async function run(data: BeirData, work: string, docsDir: string, model: { modelDir: string; variant?: string }, report: Report): Promise<number> {
  const [embedder, tokenCounter] = await Promise.all([startEmbedder(model), loadTokenCounter(model.modelDir)]);
  const ranker = report.kind === 'rerank' ? { name: report.reranker.id, label: report.reranker.id, dir: report.reranker.dir } : null;
  const { service, fileSearch: search } = await createTroveEngine({
    dataDir: join(work, 'data'),
    embedder: ranker ? withScoreCache(embedder) : embedder,
    tokenCounter,
    watch: false,
    reranker: ranker ? () => ranker : undefined,
  });
  if (ranker) await service.setSettings({ reranker: ranker.name, rerank: false });
  try {
    const t0 = performance.now();
    const lines = progressLines();
    service.on('progress', (p) => p.state !== 'idle' && lines.show(formatProgress(p)));
    await service.addFolder(docsDir);
    await service.whenIdle();
    lines.end();
    const indexSeconds = (performance.now() - t0) / 1000;
    const status = await service.status();
    process.stderr.write(`indexed ${status.filesIndexed} files (${status.chunksIndexed} passages) in ${indexSeconds.toFixed(1)} s\n`);
    const progress = (n: number, total: number, t0: number) => {
      const rate = n / ((performance.now() - t0) / 1000);
      // The last query of a pass always shows, and ends the line before the pass's figures.
      lines.show(formatProgressLine('searching', { unit: 'queries', done: n, total, rate, etaSeconds: (total - n) / rate }), n === total);
      if (n === total) lines.end();
    };
    if (report.kind === 'ndcg' && report.mode) {
      const ndcg = await ndcgOf(service, data, report.mode, progress);
      process.stdout.write(JSON.stringify({ ndcg_at_10: ndcg, mode: report.mode, qrels: data.split, queries: data.qrels.size, files: status.filesIndexed }) + '\n');
    } else if (report.kind === 'ndcg') {
      // The default search (hybrid) beside each index alone, on the same index in the same run.
      const perMode = {
        hybrid: await ndcgPerQuery(service, data, 'hybrid', progress),
        dense: await ndcgPerQuery(service, data, 'meaning', progress),
        keyword: await ndcgPerQuery(service, data, 'words', progress),
      };
      const [ndcg, dense, keyword] = [perMode.hybrid, perMode.dense, perMode.keyword].map((m) => mean([...m.values()]));
      process.stdout.write(JSON.stringify({ ndcg_at_10: ndcg, dense, keyword, qrels: data.split, queries: data.qrels.size, files: status.filesIndexed }) + '\n');
      // Second line: the same figures per kind of query (no kind may lose more than a point to meaning-only).
      process.stdout.write(JSON.stringify({ by_kind: byKind(data, perMode) }) + '\n');
    } else if (report.kind === 'fusion') {
      const fusions: [string, SearchMode, Fusion][] = [
        ['meaning', 'meaning', search.fusion],
        ['words', 'words', search.fusion],
        ...[60, 20].map((k): [string, SearchMode, Fusion] => [`rrf k=${k}`, 'hybrid', { kind: 'rrf', k }]),
        ...[0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9].map((alpha): [string, SearchMode, Fusion] => [`convex alpha=${alpha}`, 'hybrid', { kind: 'convex', alpha }]),
      ];
      const chosen = search.fusion;
      for (const [name, mode, fusion] of fusions) {
        search.fusion = fusion;
        const ndcg = await ndcgOf(service, data, mode, progress);
        process.stdout.write(JSON.stringify({ fusion: name, ndcg_at_10: ndcg, qrels: data.split, queries: data.qrels.size }) + '\n');
      }
      search.fusion = chosen;
    } else if (report.kind === 'rerank') {
      const perQuery = (mode: SearchMode, rerank?: boolean) => ndcgPerQuery(service, data, mode, progress, rerank);
      await rerankReport(search, perQuery, report.table, data.split, report.reranker.id);
    } else if (report.kind === 'candidates') {
      const n = await writeCandidates(service, [...data.qrels.keys()].map((q) => [q, data.queries.get(q)!]), report.out);
      process.stderr.write(`wrote the first-stage files of ${n} queries to ${report.out}\n`);
    } else await cutoffTable(service, data, report.sts, progress);
    return 0;
  } finally {
    await service.close();
    await embedder.close();
  }
}

/** Every judged document plus the first others, up to `docs` in all (undefined: the whole corpus). */
function subset(data: BeirData, docs: string | undefined): BeirData {
  if (docs === undefined) return data;
  const n = Number(docs);
  if (!Number.isInteger(n) || n < 1) throw new UsageError('--docs must be a whole number of documents');
  const judged = new Set([...data.qrels.values()].flatMap((m) => [...m.keys()]));
  const others = data.docs.filter((d) => !judged.has(d.id)).slice(0, Math.max(0, n - judged.size));
  return { ...data, docs: [...data.docs.filter((d) => judged.has(d.id)), ...others] };
}

/**
 * Only the first `queries` judged queries (undefined: all): re-ranking every train claim at every depth
 * takes long on 2 cores, and the corpus stays whole, so the figures stay comparable in kind.
 */
function firstQueries(data: BeirData, queries: string | undefined): BeirData {
  if (queries === undefined) return data;
  const n = Number(queries);
  if (!Number.isInteger(n) || n < 1) throw new UsageError('--queries must be a whole number of queries');
  return { ...data, qrels: new Map([...data.qrels].slice(0, n)) };
}

/** nDCG@10 (×100) of the test queries in one search mode. */
async function ndcgOf(service: TroveService, data: BeirData, mode: SearchMode, progress: (n: number, total: number, t0: number) => void): Promise<number> {
  return mean([...(await ndcgPerQuery(service, data, mode, progress)).values()]);
}

const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10000) / 100;

/** nDCG@10 (0–1) of each test query in one search mode. */
async function ndcgPerQuery(service: TroveService, data: BeirData, mode: SearchMode, progress: (n: number, total: number, t0: number) => void, rerank = false): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  const t0 = performance.now();
  for (const [qid, relevant] of data.qrels) {
    const text = data.queries.get(qid);
    if (!text) throw new Error(`query ${qid} is judged but missing from queries.jsonl`);
    // exact: a spelling correction would change the benchmark's own queries.
    const { hits } = await service.search({ text, k: 10, mode, exact: true, rerank });
    out.set(qid, ndcgAtK(hits.map((h) => h.name.replace(/\.txt$/, '')), relevant, 10));
    progress(out.size, data.qrels.size, t0);
  }
  return out;
}

/** Each kind of query's nDCG@10 (×100) in every mode, and how many queries it holds. */
function byKind(data: BeirData, perMode: Record<string, Map<string, number>>): Record<string, Record<string, number>> {
  const kinds = new Map<string, string[]>();
  for (const qid of data.qrels.keys()) for (const kind of queryKinds(data.queries.get(qid)!)) kinds.set(kind, [...(kinds.get(kind) ?? []), qid]);
  return Object.fromEntries(
    [...kinds].map(([kind, qids]) => [kind, { queries: qids.length, ...Object.fromEntries(Object.entries(perMode).map(([mode, m]) => [mode, mean(qids.map((q) => m.get(q)!))])) }]),
  );
}

/**
 * For each candidate line: the share of answerable queries and of off-topic sentences whose best
 * passage is below it — by cosine (meaning), then by the share of the best possible keyword score
 * (words alone; the `words_line` rows, for keyword-query.ts's WORDS_LINE).
 */
async function cutoffTable(service: TroveService, data: BeirData, stsFile: string, progress: (n: number, total: number, t0: number) => void): Promise<void> {
  const best = async (texts: string[], mode: SearchMode) => {
    const out: number[] = [];
    const t0 = performance.now();
    for (const text of texts) {
      const { hits } = await service.search({ text, k: 1, mode, exact: true });
      // Words alone score a file by its share of the best possible bm25 (fusion.ts).
      out.push((mode === 'meaning' ? hits[0]?.best.similarity : hits[0]?.best.score) ?? -1);
      progress(out.length, texts.length, t0);
    }
    return out;
  };
  const claimTexts = [...data.qrels.keys()].map((q) => data.queries.get(q)!);
  const sentenceTexts = [...new Set(readSts(stsFile).pairs.map((p) => p.a))].slice(0, 500);
  const share = (xs: number[], line: number) => Math.round((xs.filter((x) => x < line).length / xs.length) * 1000) / 10;
  const table = (key: string, claims: number[], sentences: number[], lines: number[]) => {
    for (const l of lines) {
      process.stdout.write(JSON.stringify({ [key]: l, answerable_flagged_pct: share(claims, l), off_topic_flagged_pct: share(sentences, l), answerable: claims.length, off_topic: sentences.length }) + '\n');
    }
  };
  const steps = (from: number, to: number, step: number) => Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => Math.round((from + i * step) * 100) / 100);
  table('line', await best(claimTexts, 'meaning'), await best(sentenceTexts, 'meaning'), steps(0.2, 0.55, 0.05));
  table('words_line', await best(claimTexts, 'words'), await best(sentenceTexts, 'words'), steps(0.1, 0.6, 0.05));
}
