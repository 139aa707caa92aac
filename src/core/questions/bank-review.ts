/**
 * What a bank holds twice: duplicate pairs (paraphrase mining above a line) and their review, clusters
 * (community detection) and the grouped view, fine-tuning pairs from the reviews, and the exports of
 * each — sentence-transformers' semantics, over the bank's lookup index.
 */
import {
  type BankQuestion,
  type ClustersOptions,
  type DuplicatePair,
  type DuplicatesOptions,
  type ExportFormat,
  type PairDecision,
  type QuestionCluster,
  type QuestionGroups,
  type QuestionService,
  type TrainingPair,
  type TrainingPairsOptions,
  UNCLUSTERED_LISTED,
} from '../../shared/questions';
import type { Embedder } from '../embed/types';
import type { BankIndexes } from './bank-indexes';
import { type BankStore, QuestionsError } from './bank-store';
import { communityDetection } from './community-detection';
import { exportFormatOf, writeRecords } from './export-bank';
import { paraphraseMiningAbove } from './paraphrase-mining';
import { buildTrainingPairs } from './training-pairs';

export type BankReview = Pick<
  QuestionService,
  'duplicates' | 'reviewPair' | 'clusters' | 'groups' | 'trainingPairs' | 'exportDuplicates' | 'exportTrainingPairs' | 'exportClusters'
>;

export function createBankReview(store: BankStore, embedder: Embedder, banks: BankIndexes): BankReview {
  async function duplicates(name: string, opts: DuplicatesOptions = {}): Promise<DuplicatePair[]> {
    const bank = store.getBank(name);
    const idx = await banks.index(name);
    const { ids, matrix } = idx.vectors();
    const pairs = await paraphraseMiningAbove(banks.kernels(), matrix, opts.threshold ?? 0.85, { topK: opts.topK ?? 100, maxPairs: opts.maxPairs ?? 500000 });
    const rows = store.questions([...new Set(pairs.flatMap(([, i, j]) => [ids[i], ids[j]]))]);
    const reviews = store.reviews(bank.id);
    return pairs.map(([score, i, j]) => {
      const a = Math.min(ids[i], ids[j]);
      const b = Math.max(ids[i], ids[j]);
      return { score, a: rows.get(a)!, b: rows.get(b)!, decision: reviews.get(`${a}:${b}`) ?? null };
    });
  }

  async function reviewPair(name: string, a: number, b: number, decision: PairDecision | null): Promise<void> {
    const bank = store.getBank(name);
    if (a === b || store.countInBank(bank.id, [a, b]) !== 2) throw new QuestionsError(`questions ${a} and ${b} are not two questions of bank "${name}"`);
    if (decision === 'merge') {
      // Merge keeps `a` (taking b's answer if it has none) and removes `b`.
      store.merge(bank.id, a, b);
      banks.forget(bank.id);
      return;
    }
    store.setReview(bank.id, a, b, decision);
  }

  async function trainingPairs(name: string, opts: TrainingPairsOptions = {}): Promise<TrainingPair[]> {
    const bank = store.getBank(name);
    const reviewed = { merged: store.mergedPairs(bank.id), separate: store.separatePairs(bank.id) };
    const hard = opts.hardNegatives ?? 0;
    const idx = hard > 0 && reviewed.merged.length > 0 ? await banks.index(name) : null;
    return buildTrainingPairs(bank.name, reviewed, hard, {
      embedder,
      nearest(vector, k) {
        const hits = idx!.search(vector, k);
        const rows = store.questions(hits.map((h) => h.id));
        return hits.map((h) => ({ ...h, question: rows.get(h.id)!.question }));
      },
    });
  }

  async function clusters(name: string, opts: ClustersOptions = {}): Promise<QuestionCluster[]> {
    const idx = await banks.index(name);
    const { ids, matrix } = idx.vectors();
    const groups = await communityDetection(banks.kernels(), matrix, { threshold: opts.threshold ?? 0.75, minCommunitySize: opts.minSize ?? 3 });
    const rows = store.questions(groups.flat().map((i) => ids[i]));
    return groups.map((g) => {
      const members = g.map((i) => rows.get(ids[i])!);
      return { label: members[0], members, size: members.length };
    });
  }

  return {
    duplicates,
    reviewPair,
    clusters,
    trainingPairs,

    async groups(name, opts = {}): Promise<QuestionGroups> {
      const bank = store.getBank(name);
      const found = await clusters(name, opts);
      const inGroup = new Set(found.flatMap((c) => c.members.map((m) => m.id)));
      const unclustered: BankQuestion[] = [];
      let unclusteredCount = 0;
      for (const q of store.iterateQuestions(bank.id)) {
        if (inGroup.has(q.id)) continue;
        if (++unclusteredCount <= UNCLUSTERED_LISTED) unclustered.push({ id: q.id, externalId: q.externalId, question: q.question, answer: q.answer });
      }
      return { clusters: found, unclustered, unclusteredCount, total: inGroup.size + unclusteredCount };
    },

    async exportDuplicates(name, file, opts = {}, format?: ExportFormat) {
      const pairs = await duplicates(name, opts);
      const rows = pairs.map((p) => ({
        score: Number(p.score.toFixed(6)),
        a_id: p.a.externalId ?? String(p.a.id),
        a_question: p.a.question,
        b_id: p.b.externalId ?? String(p.b.id),
        b_question: p.b.question,
        decision: p.decision,
      }));
      return writeRecords(file, exportFormatOf(file, format), ['score', 'a_id', 'a_question', 'b_id', 'b_question', 'decision'], rows);
    },

    async exportTrainingPairs(name, file, opts = {}) {
      const pairs = await trainingPairs(name, opts);
      const rows = pairs.map((p) => ({ sentence1: p.sentence1, sentence2: p.sentence2, score: p.score.toFixed(1) }));
      await writeRecords(file, 'csv', ['sentence1', 'sentence2', 'score'], rows);
      const count = (kind: TrainingPair['kind'][]) => pairs.filter((p) => kind.includes(p.kind)).length;
      return { pairs: pairs.length, merged: count(['merged']), different: count(['kept', 'dismissed']), hardNegatives: count(['hard-negative']) };
    },

    async exportClusters(name, file, opts = {}, format?: ExportFormat) {
      const groups = await clusters(name, opts);
      const rows = groups.flatMap((c, k) =>
        c.members.map((m, rank) => ({ cluster: k + 1, size: c.size, label: c.label.question, rank: rank + 1, id: m.externalId ?? String(m.id), question: m.question })),
      );
      return writeRecords(file, exportFormatOf(file, format), ['cluster', 'size', 'label', 'rank', 'id', 'question'], rows);
    },
  };
}
