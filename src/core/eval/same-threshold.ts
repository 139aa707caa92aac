/**
 * Choosing the "same question" cut-off from labelled data instead of by feel: on STS-B pairs, a pair
 * whose gold score is at least 4.0 ("mostly equivalent, unimportant details differ") is the same
 * question; the cut-off is the cosine that best separates those pairs from the rest by Youden's J
 * (true-positive rate minus false-positive rate, i.e. balanced accuracy). J, unlike F1 or accuracy,
 * does not depend on how many pairs of the data set happen to be the same (17.6% of STS-B dev), which
 * says nothing about how often a user's question is already in their bank. Run on the dev split
 * only; the test split stays for reporting.
 */
import { dot } from '../embed/similarity';
import type { Embedder } from '../embed/types';
import type { StsPair } from './sts';

/** STS-B gold score from which two sentences count as the same question. */
export const SAME_GOLD = 4.0;

export interface ThresholdPoint {
  threshold: number;
  /** True-positive rate minus false-positive rate. */
  youdenJ: number;
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
}

export interface ThresholdChoice {
  /** The chosen cut-off, rounded to 0.01 (the slider's step). */
  threshold: number;
  /** Its figures. */
  best: ThresholdPoint;
  /** Pairs used, and how many of them are the same question (gold ≥ SAME_GOLD). */
  pairs: number;
  positives: number;
  /** Every cut-off from 0.50 to 0.95 in steps of 0.01, for the record. */
  sweep: ThresholdPoint[];
}

/** Figures of "cosine ≥ t means same" against gold ≥ SAME_GOLD, for each t on a 0.01 grid. */
export function sweepThresholds(scored: Array<{ gold: number; cosine: number }>, from = 0.5, to = 0.95): ThresholdPoint[] {
  const points: ThresholdPoint[] = [];
  for (let k = Math.round(from * 100); k <= Math.round(to * 100); k++) {
    const t = k / 100;
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let tn = 0;
    for (const { gold, cosine } of scored) {
      const same = gold >= SAME_GOLD;
      if (cosine >= t && same) tp++;
      else if (cosine >= t) fp++;
      else if (same) fn++;
      else tn++;
    }
    const precision = tp + fp ? tp / (tp + fp) : 1;
    const recall = tp + fn ? tp / (tp + fn) : 0;
    const f1 = precision + recall ? (2 * precision * recall) / (precision + recall) : 0;
    points.push({ threshold: t, youdenJ: recall - (fp + tn ? fp / (fp + tn) : 0), precision, recall, f1, accuracy: (tp + tn) / scored.length });
  }
  return points;
}

/** The cut-off with the highest Youden's J (the lower one on a tie). */
export function chooseThreshold(sweep: ThresholdPoint[]): ThresholdPoint {
  return sweep.reduce((best, p) => (p.youdenJ > best.youdenJ ? p : best));
}

export async function chooseSameThreshold(embedder: Embedder, pairs: StsPair[]): Promise<ThresholdChoice> {
  // Questions are compared as queries (e5's "query: " on both sides of a symmetric task).
  const va = await embedder.encode(pairs.map((p) => p.a), { role: 'query' });
  const vb = await embedder.encode(pairs.map((p) => p.b), { role: 'query' });
  const scored = pairs.map((p, i) => ({ gold: p.score, cosine: dot(va[i], vb[i]) }));
  const sweep = sweepThresholds(scored);
  const best = chooseThreshold(sweep);
  return { threshold: best.threshold, best, pairs: pairs.length, positives: scored.filter((s) => s.gold >= SAME_GOLD).length, sweep };
}
