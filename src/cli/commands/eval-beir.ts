/**
 * `eval beir <scifact folder> [--keep <dir>]`: write every document as a file, index the folder with
 * the real pipeline, run the test queries through search, print nDCG@10 (×100) as one JSON line.
 *
 * The temporary folder (about 100 MB for SciFact) is removed at the end, on Ctrl+C or SIGTERM, and,
 * when a run was killed outright, by the next run: its name carries the owner's pid.
 */
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbedderProcess } from '../../core/embed/embedder-process';
import { loadTokenCounter } from '../../core/embed/tokenizer';
import { docFileText, ndcgAtK, readBeir } from '../../core/eval/beir';
import { createTroveService } from '../../core/trove-service';
import { parseFlags } from '../command';
import { chosenModelDir } from '../model-choice';
import { formatProgressLine, throttledLines } from '../progress-lines';
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

export async function evalBeir(args: string[]): Promise<number> {
  const { positional, flags } = parseFlags(args);
  const dir = positional[0];
  if (!dir) {
    process.stderr.write('usage: npm run trove -- eval beir <scifact folder> [--keep <dir>]\n');
    return 2;
  }
  sweepAbandoned();
  const data = readBeir(dir);
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
    return await run(data, work, docsDir, chosenModelDir(flags));
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    cleanUp();
  }
}

async function run(data: ReturnType<typeof readBeir>, work: string, docsDir: string, modelDir: string): Promise<number> {
  const [embedder, tokenCounter] = await Promise.all([EmbedderProcess.start({ modelDir }), loadTokenCounter(modelDir)]);
  const service = await createTroveService({ dataDir: join(work, 'data'), embedder, tokenCounter, watch: false });
  try {
    const t0 = performance.now();
    // A line every few seconds on stderr, terminal or not (TROVE_PROGRESS_MS overrides the interval).
    const line = throttledLines((l) => process.stderr.write(l + '\n'), Number(process.env.TROVE_PROGRESS_MS) || 5000);
    service.on('progress', (p) => p.state !== 'idle' && line(formatProgress(p)));
    await service.addFolder(docsDir);
    await service.whenIdle();
    const indexSeconds = (performance.now() - t0) / 1000;
    const status = await service.status();
    let sum = 0;
    let n = 0;
    const q0 = performance.now();
    for (const [qid, relevant] of data.qrels) {
      const text = data.queries.get(qid);
      if (!text) throw new Error(`query ${qid} is judged but missing from queries.jsonl`);
      const { hits } = await service.search({ text, k: 10 });
      sum += ndcgAtK(hits.map((h) => h.name.replace(/\.txt$/, '')), relevant, 10);
      n++;
      const rate = n / ((performance.now() - q0) / 1000);
      line(formatProgressLine('searching', { unit: 'queries', done: n, total: data.qrels.size, rate, etaSeconds: (data.qrels.size - n) / rate }));
    }
    process.stderr.write(`indexed ${status.filesIndexed} files (${status.chunksIndexed} passages) in ${indexSeconds.toFixed(1)} s\n`);
    const result = { ndcg_at_10: Math.round((sum / n) * 10000) / 100, queries: n, files: status.filesIndexed };
    process.stdout.write(JSON.stringify(result) + '\n');
    return 0;
  } finally {
    await service.close();
    await embedder.close();
  }
}
