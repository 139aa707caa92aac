/**
 * STS Benchmark in the format of ../shared/eval/stsb: tab-separated, no quoting; fields genre, file,
 * year, id, score, sentence 1, sentence 2 (extra trailing fields ignored).
 */
import { readFileSync } from 'node:fs';
import { dot } from '../embed/similarity';
import type { Embedder } from '../embed/types';

export interface StsPair {
  score: number;
  a: string;
  b: string;
}

export function readSts(path: string): StsPair[] {
  const pairs: StsPair[] = [];
  const lines = readFileSync(path, 'utf8').split(/\r?\n/);
  lines.forEach((line, i) => {
    if (!line.trim()) return;
    const f = line.split('\t');
    const score = Number(f[4]);
    if (f.length < 7 || !Number.isFinite(score)) throw new Error(`${path}:${i + 1}: not an STS-B line (need 7 tab-separated fields with a numeric score)`);
    pairs.push({ score, a: f[5], b: f[6] });
  });
  return pairs;
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

/** Spearman (×100) of cosine similarity against the gold scores, as MTEB computes it. */
export async function evalSts(embedder: Embedder, pairs: StsPair[]): Promise<{ spearman: number; pairs: number }> {
  const va = await embedder.encode(pairs.map((p) => p.a));
  const vb = await embedder.encode(pairs.map((p) => p.b));
  const cos = pairs.map((_, i) => dot(va[i], vb[i]));
  return { spearman: Number((spearman(cos, pairs.map((p) => p.score)) * 100).toFixed(2)), pairs: pairs.length };
}
