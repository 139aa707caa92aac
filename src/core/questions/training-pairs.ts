/**
 * A bank's reviews as fine-tuning data: every merge is a "same question" pair (1.0), every "keep both"
 * or "dismiss" a "different questions" pair (0.0), and optionally hard negatives mined from the bank.
 * tools/model/finetune.py reads the CSV written here.
 */
import { DECISION_SCORES, type TrainingPair } from '../../shared/questions';
import type { Embedder } from '../embed/types';
import { dot } from '../embed/similarity';
import type { VectorHit } from '../vectors/vector-index';
import { QuestionsError } from './bank-store';

export interface ReviewedPairs {
  merged: Array<{ kept: string; merged: string }>;
  separate: Array<{ a: string; b: string; decision: 'keep' | 'dismiss' }>;
}

export interface MiningContext {
  embedder: Embedder;
  /** The bank's `k` nearest questions to a vector, best first, with their texts. */
  nearest(vector: Float32Array, k: number): Array<VectorHit & { question: string }>;
}

/** Unordered: (a, b) and (b, a) are one pair. */
const pairKey = (a: string, b: string) => (a < b ? `${a}\u0000${b}` : `${b}\u0000${a}`);

export async function buildTrainingPairs(bank: string, reviewed: ReviewedPairs, hardNegatives: number, mining: MiningContext): Promise<TrainingPair[]> {
  if (reviewed.merged.length === 0 && reviewed.separate.length === 0) {
    throw new QuestionsError(
      `bank "${bank}" has no reviewed duplicate pairs yet: in Duplicates (or \`questions review\`), merge pairs that are the same question and keep or dismiss the ones that are not, then export again`,
    );
  }
  const seen = new Set<string>();
  const pairs: TrainingPair[] = [];
  const add = (p: TrainingPair) => {
    const key = pairKey(p.sentence1, p.sentence2);
    if (p.sentence1 === p.sentence2 || seen.has(key)) return;
    seen.add(key);
    pairs.push(p);
  };
  for (const m of reviewed.merged) add({ sentence1: m.kept, sentence2: m.merged, score: DECISION_SCORES.merge, kind: 'merged' });
  for (const s of reviewed.separate) add({ sentence1: s.a, sentence2: s.b, score: DECISION_SCORES[s.decision], kind: s.decision === 'keep' ? 'kept' : 'dismissed' });
  if (hardNegatives > 0 && reviewed.merged.length > 0) {
    for (const p of await mineHardNegatives(reviewed.merged, hardNegatives, mining)) add(p);
  }
  return pairs;
}

/**
 * For each kept question of a merge (the anchor), the bank's closest questions that are neither the
 * anchor nor one merged into it, and that score below the anchor's least similar merged question:
 * sentence-transformers' mine_hard_negatives with its margin rule, so an unreviewed question closer
 * than a confirmed duplicate (which may be a duplicate itself) is never called different.
 */
async function mineHardNegatives(merged: ReviewedPairs['merged'], perAnchor: number, { embedder, nearest }: MiningContext): Promise<TrainingPair[]> {
  const positives = new Map<string, Set<string>>();
  for (const m of merged) {
    if (!positives.has(m.kept)) positives.set(m.kept, new Set());
    positives.get(m.kept)!.add(m.merged);
  }
  const anchors = [...positives.keys()];
  const texts = [...new Set([...anchors, ...merged.map((m) => m.merged)])];
  // Scored with the model in use now, like the bank's stored vectors the neighbours come from.
  const vectors = await embedder.encode(texts, { role: 'query' });
  const vectorOf = new Map(texts.map((t, i) => [t, vectors[i]]));
  const out: TrainingPair[] = [];
  for (const anchor of anchors) {
    const av = vectorOf.get(anchor)!;
    const mine = positives.get(anchor)!;
    const ceiling = Math.min(...[...mine].map((t) => dot(av, vectorOf.get(t)!)));
    let taken = 0;
    for (const hit of nearest(av, perAnchor + mine.size + 8)) {
      if (taken >= perAnchor) break;
      if (hit.question === anchor || mine.has(hit.question) || hit.score >= ceiling) continue;
      out.push({ sentence1: anchor, sentence2: hit.question, score: 0, kind: 'hard-negative' });
      taken++;
    }
  }
  return out;
}
