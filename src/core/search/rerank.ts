/**
 * Retrieve and re-rank: the best passages of the first stage (meaning and words, fused) are read
 * again by a cross-encoder, which sees the query and each passage together and scores how well the
 * passage answers it — a page *about* the thing above pages that merely *mention* it. Only the first
 * `depth` passages are re-scored (a cross-encoder reads every pair anew, so its cost grows with depth);
 * they are ordered by a blend of the two stages and stay ahead of the rest, which keep their order.
 *
 * The depth is the deepest that keeps a re-ranked search within 250 ms (p50) on a 2-core CPU:
 * `npm run bench:rerank` (2026-12-08, AMD EPYC with AVX-512 VNNI, idle, a MiniLM-L6 cross-encoder of 128
 * tokens): p50 184 ms at 10 passages, 352 ms at 20, 518 ms at 30. The blend was chosen on SciFact's
 * train claims (`eval beir --qrels train --queries 400 --reranker … --rerank-table`, 2026-12-08) with
 * the only relevance re-ranker this machine could make (MiniLM-L6 trained on those claims, int8): at
 * depth 10, 0.5 gave 77.13 and 0.7 77.15 (0.35: 75.83, 1: 74.57; 74.13 without); 0.5 trusts the
 * re-ranker less, the safer side for one that saw those claims. On the test claims it gave 72.61
 * against 72.47 without (README).
 */
import type { Candidate } from './fusion';

/** Passages re-scored per search (see the module comment). */
export const RERANK_DEPTH = 10;
/** Weight of the re-ranker's score against the first stage's, both scaled 0–1 over the re-scored passages (see the module comment). */
export const RERANK_BLEND = 0.5;

/** The re-ranker a search uses: its name and label for people, its folder for the embedding process. */
export interface RerankerChoice {
  name: string;
  label: string;
  dir: string;
}

export interface RerankOptions {
  depth: number;
  blend: number;
}

/** Scores of `passages` for `query` by the re-ranker (Embedder.scorePairs bound to its folder). */
export type PairScores = (query: string, passages: string[]) => Promise<Float32Array>;

/**
 * `candidates` (best first) with the first `depth` re-ordered by the re-ranker. `textOf` gives a
 * passage's text. Returns the new order and how many passages were re-scored.
 */
export async function rerankCandidates(
  query: string,
  candidates: Candidate[],
  textOf: (chunkId: number) => string,
  score: PairScores,
  { depth, blend }: RerankOptions,
): Promise<{ candidates: Candidate[]; passages: number }> {
  const head = candidates.slice(0, depth);
  if (head.length === 0) return { candidates, passages: 0 };
  const scores = await score(query, head.map((c) => textOf(c.chunkId)));
  const scaled = (values: ArrayLike<number>) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < values.length; i++) {
      lo = Math.min(lo, values[i]);
      hi = Math.max(hi, values[i]);
    }
    return Array.from(values, (v) => (hi > lo ? (v - lo) / (hi - lo) : 1));
  };
  const model = scaled(scores);
  const first = scaled(head.map((c) => c.score));
  const order = head.map((c, i) => ({ c, s: blend * model[i] + (1 - blend) * first[i], i }));
  order.sort((a, b) => b.s - a.s || a.i - b.i);
  // The score shown with a result follows the new order, within the range the re-scored passages had
  // (so it stays on the first stage's scale and above every passage that was not re-scored).
  const top = head[0].score;
  const floor = head.at(-1)!.score;
  const rescored = order.map((o) => ({ ...o.c, score: floor + o.s * (top - floor) }));
  return { candidates: [...rescored, ...candidates.slice(depth)], passages: head.length };
}
