/**
 * Sentence-similarity benchmarks as tab-separated text (no quoting), in the layouts of ../shared/eval:
 * STS-B's seven fields (genre, file, year, id, score, sentence 1, sentence 2; extra trailing fields
 * ignored) and three fields (sentence 1, sentence 2, score), as the Chinese STS-B has. A line without a
 * usable score is skipped and counted, never read as 0.
 */
import { readFileSync } from 'node:fs';
import { cosSim } from '../embed/similarity';
import type { Embedder } from '../embed/types';

export interface StsPair {
  score: number;
  a: string;
  b: string;
}

/** A line that was not a pair with a score, by line number (1-based). */
export interface SkippedLine {
  line: number;
  reason: string;
}

export interface StsFile {
  pairs: StsPair[];
  skipped: SkippedLine[];
  /** Which layout the file was read as. */
  layout: 'stsb' | 'pair-score';
}

/** An empty field or one that is not a number (Number('') is 0, which must not count as a score). */
function parseScore(field: string | undefined): number | null {
  if (field === undefined || field.trim() === '') return null;
  const n = Number(field.trim());
  return Number.isFinite(n) ? n : null;
}

/** Read an STS file in either layout; throws when fewer than 2 pairs could be read (no correlation). */
export function readSts(path: string): StsFile {
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  const rows = lines.map((l, i) => ({ line: i + 1, f: l.split('\t') })).filter((r) => r.f.join('').trim() !== '');
  // The layout is the one most lines fit: STS-B has a score in field 5 of 7+, the other in field 3 of 3.
  const stsb = rows.filter((r) => r.f.length >= 7 && parseScore(r.f[4]) !== null).length;
  const layout: StsFile['layout'] = stsb >= rows.length / 2 ? 'stsb' : 'pair-score';
  const pairs: StsPair[] = [];
  const skipped: SkippedLine[] = [];
  for (const { line, f } of rows) {
    const [score, a, b] = layout === 'stsb' ? [parseScore(f[4]), f[5], f[6]] : [parseScore(f[2]), f[0], f[1]];
    const need = layout === 'stsb' ? 7 : 3;
    if (f.length < need) skipped.push({ line, reason: `${f.length} tab-separated fields, need ${need}` });
    else if (score === null) skipped.push({ line, reason: `no numeric score (${JSON.stringify((layout === 'stsb' ? f[4] : f[2]).slice(0, 20))})` });
    else if (!a?.trim() || !b?.trim()) skipped.push({ line, reason: 'a sentence is empty' });
    else pairs.push({ score, a, b });
  }
  if (pairs.length < 2) {
    throw new Error(`${path}: ${pairs.length} sentence pair${pairs.length === 1 ? '' : 's'} with a score (need at least 2 for a correlation; ${skipped.length} line(s) skipped)`);
  }
  return { pairs, skipped, layout };
}

/** Ranks with ties averaged (as scipy.stats.rankdata). */
export function ranks(values: number[]): number[] {
  const order = values.map((v, i) => [v, i] as const).sort((x, y) => x[0] - y[0]);
  const r = new Array<number>(values.length);
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1][0] === order[i][0]) j++;
    for (let k = i; k <= j; k++) r[order[k][1]] = (i + j) / 2 + 1;
    i = j + 1;
  }
  return r;
}

export function pearson(x: number[], y: number[]): number {
  const n = x.length;
  const mx = x.reduce((a, b) => a + b, 0) / n;
  const my = y.reduce((a, b) => a + b, 0) / n;
  let sxy = 0;
  let sxx = 0;
  let syy = 0;
  for (let i = 0; i < n; i++) {
    sxy += (x[i] - mx) * (y[i] - my);
    sxx += (x[i] - mx) ** 2;
    syy += (y[i] - my) ** 2;
  }
  return sxy / Math.sqrt(sxx * syy);
}

export function spearman(x: number[], y: number[]): number {
  return pearson(ranks(x), ranks(y));
}

/**
 * Spearman (×100) of a cross-encoder's scores against the gold scores: each pair read together by the
 * re-ranker in `rerankerDir` (Embedder.scorePairs), as sentence-transformers' CrossEncoder evaluator does.
 */
export async function evalStsReranker(embedder: Embedder, rerankerDir: string, pairs: StsPair[]): Promise<{ spearman: number; pairs: number }> {
  if (!embedder.scorePairs) throw new Error('this embedder cannot run a re-ranker');
  const scores: number[] = [];
  // Pairs sharing a first sentence go together: one call each (STS-B has few such repeats).
  for (const p of pairs) scores.push((await embedder.scorePairs(rerankerDir, p.a, [p.b]))[0]);
  return { spearman: Number((spearman(scores, pairs.map((p) => p.score)) * 100).toFixed(2)), pairs: pairs.length };
}

/**
 * Spearman (×100) of the model's similarity against the gold scores, as MTEB computes it. Both sides are
 * encoded as queries: for a symmetric task MTEB gives e5 its "query: " prompt on both sides.
 */
export async function evalSts(embedder: Embedder, pairs: StsPair[]): Promise<{ spearman: number; pairs: number }> {
  const va = await embedder.encode(pairs.map((p) => p.a), { role: 'query' });
  const vb = await embedder.encode(pairs.map((p) => p.b), { role: 'query' });
  // Cosine even for dot-product models, as MTEB's STS score is the cosine Spearman.
  const cos = pairs.map((_, i) => cosSim(va[i], vb[i]));
  return { spearman: Number((spearman(cos, pairs.map((p) => p.score)) * 100).toFixed(2)), pairs: pairs.length };
}
