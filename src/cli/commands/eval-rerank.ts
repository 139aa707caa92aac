/**
 * `eval beir --reranker <name|folder>`: the hybrid search with and without re-ranking on the same index
 * in the same run, and with `--rerank-table` one line per (depth, blend) — the measurement that chose
 * search's RERANK_DEPTH and RERANK_BLEND (on `--qrels train`, reported on test). `--candidates <file>`
 * writes each judged query's first-stage files (hybrid, best first) as JSON lines, for mining hard
 * negatives to train a re-ranker on (tools/model/cross_encoder.py scifact).
 *
 * The re-ranker's scores are cached per (query, passage) for the run: the table's deeper passes score
 * what the shallower ones did not, and no pair is read twice.
 */
import { writeFileSync } from 'node:fs';
import type { Embedder } from '../../core/embed/types';
import type { FileSearch } from '../../core/search/search';
import type { TroveService } from '../../core/trove-service';
import type { SearchMode } from '../../shared/types';

export type PerQuery = (mode: SearchMode, rerank?: boolean) => Promise<Map<string, number>>;

const DEPTHS = [10, 20, 30];
const BLENDS = [0.2, 0.35, 0.5, 0.7, 0.85, 1];

/** `embedder` whose scorePairs remembers every (re-ranker, query, passage) score it gave. */
export function withScoreCache(embedder: Embedder): Embedder {
  const cache = new Map<string, number>();
  const scorePairs = async (dir: string, query: string, passages: string[]): Promise<Float32Array> => {
    const key = (p: string) => `${dir}\u0000${query}\u0000${p}`;
    const missing = [...new Set(passages.filter((p) => !cache.has(key(p))))];
    if (missing.length) {
      const scores = await embedder.scorePairs!(dir, query, missing);
      missing.forEach((p, i) => cache.set(key(p), scores[i]));
    }
    return Float32Array.from(passages, (p) => cache.get(key(p))!);
  };
  return new Proxy(embedder, {
    get: (target, prop, receiver) => (prop === 'scorePairs' ? scorePairs : Reflect.get(target, prop, receiver)),
  });
}

const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 10000) / 100;

/** Hybrid without and with re-ranking (the search's default depth and blend), or the whole table. */
export async function rerankReport(search: FileSearch, perQuery: PerQuery, table: boolean, split: string, reranker: string): Promise<void> {
  const queries = (m: Map<string, number>) => m.size;
  const first = await perQuery('hybrid', false);
  process.stdout.write(JSON.stringify({ reranker, rerank: 'off', ndcg_at_10: mean([...first.values()]), qrels: split, queries: queries(first) }) + '\n');
  const chosen = search.rerankOptions;
  const passes = table ? DEPTHS.toReversed().flatMap((depth) => BLENDS.map((blend) => ({ depth, blend }))) : [chosen];
  for (const options of passes) {
    search.rerankOptions = options;
    const m = await perQuery('hybrid', true);
    process.stdout.write(JSON.stringify({ reranker, depth: options.depth, blend: options.blend, ndcg_at_10: mean([...m.values()]), qrels: split, queries: queries(m) }) + '\n');
  }
  search.rerankOptions = chosen;
}

/** Each judged query's first-stage files, best first (hybrid, no re-ranking), as JSON lines in `out`. */
export async function writeCandidates(service: TroveService, queries: Iterable<[string, string]>, out: string, k = 30): Promise<number> {
  const lines: string[] = [];
  for (const [qid, text] of queries) {
    const { hits } = await service.search({ text, k, exact: true, rerank: false });
    lines.push(JSON.stringify({ query: qid, docs: hits.map((h) => h.name.replace(/\.txt$/, '')) }));
  }
  writeFileSync(out, lines.join('\n') + '\n');
  return lines.length;
}
