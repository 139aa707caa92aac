/**
 * `eval cjk <pairs.tsv>`: the Chinese retrieval check (issue 20). Each distinct sentence of a
 * sentence-pair file with gold scores (../shared/eval/stsb-zh/test.tsv) becomes a file, the folder is
 * indexed with the real pipeline, and each sentence with a gold-5 partner (or --gold n: a partner
 * scored n or more) searches for it (pair-retrieval.ts), its own file left out. Prints one JSON line: nDCG@10 (×100) and the share of
 * queries whose partner comes first, for words alone, meaning alone and hybrid (or one --mode).
 * The English default model cannot read Chinese, so with it the words carry the search: the check
 * measures the keyword index's handling of Chinese words.
 */
import { startEmbedder } from '../start-embedder';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTokenCounter } from '../../core/embed/tokenizer';
import { ndcgAtK } from '../../core/eval/beir';
import { pairRetrieval, type PairRetrieval } from '../../core/eval/pair-retrieval';
import { readSts } from '../../core/eval/sts';
import { createTroveEngine } from '../../core/service/create-service';
import type { TroveService } from '../../core/trove-service';
import type { SearchMode } from '../../shared/types';
import { UsageError, type CommandLine } from '../command';
import { chosenModel } from '../model-choice';
import { progressLines } from '../progress-lines';
import { formatProgress } from './index';

const MODES: SearchMode[] = ['words', 'meaning', 'hybrid'];

export async function evalCjk({ positional, flags }: CommandLine): Promise<number> {
  const mode = flags.get('mode') as SearchMode | undefined;
  if (mode !== undefined && !MODES.includes(mode)) throw new UsageError('--mode must be hybrid, meaning or words');
  const gold = Number(flags.get('gold') ?? 5);
  if (!(gold > 0 && gold <= 5)) throw new UsageError('--gold must be a score from 1 to 5');
  const check = pairRetrieval(readSts(positional[0]).pairs, gold);
  const keep = flags.get('keep');
  const work = keep ?? mkdtempSync(join(tmpdir(), 'trove-cjk-'));
  try {
    const docsDir = join(work, 'docs');
    mkdirSync(docsDir, { recursive: true });
    for (const [id, text] of check.docs) writeFileSync(join(docsDir, `${id}.txt`), text);
    const model = chosenModel(flags);
    const [embedder, tokenCounter] = await Promise.all([startEmbedder(model), loadTokenCounter(model.modelDir)]);
    const { service } = await createTroveEngine({ dataDir: join(work, 'data'), embedder, tokenCounter, watch: false });
    try {
      const lines = progressLines();
      service.on('progress', (p) => p.state !== 'idle' && lines.show(formatProgress(p)));
      await service.addFolder(docsDir);
      await service.whenIdle();
      lines.end();
      const figures: Record<string, number> = {};
      for (const m of mode ? [mode] : MODES) {
        const { ndcg, first, p50 } = await measure(service, check, m);
        figures[`${m}_ndcg_at_10`] = ndcg;
        figures[`${m}_first_pct`] = first;
        figures[`${m}_p50_ms`] = p50;
      }
      process.stdout.write(JSON.stringify({ ...figures, gold, queries: check.relevant.size, sentences: check.docs.size, model: embedder.modelId }) + '\n');
      return 0;
    } finally {
      await service.close();
      await embedder.close();
    }
  } finally {
    if (!keep) rmSync(work, { recursive: true, force: true });
  }
}

/**
 * nDCG@10 and the share of queries whose first file is a gold partner, both ×100, and the median
 * search time as the engine reports it (tookMs), in one search mode.
 */
async function measure(service: TroveService, check: PairRetrieval, mode: SearchMode): Promise<{ ndcg: number; first: number; p50: number }> {
  let ndcg = 0;
  let first = 0;
  const took: number[] = [];
  for (const [qid, partners] of check.relevant) {
    // exact: a spelling correction would change the check's own queries; one more file for the query's own.
    const { hits, tookMs } = await service.search({ text: check.docs.get(qid)!, k: 11, mode, exact: true });
    took.push(tookMs);
    const ranked = hits.map((h) => h.name.replace(/\.txt$/, '')).filter((id) => id !== qid);
    ndcg += ndcgAtK(ranked, new Map([...partners].map((p) => [p, 1])), 10);
    if (partners.has(ranked[0])) first++;
  }
  const pct = (x: number) => Math.round((x / check.relevant.size) * 10000) / 100;
  took.sort((a, b) => a - b);
  return { ndcg: pct(ndcg), first: pct(first), p50: took[Math.floor(took.length / 2)] };
}
