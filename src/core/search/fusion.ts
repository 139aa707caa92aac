/**
 * Fusing the two candidate lists (meaning and words) into one, each passage scored. The default is a
 * convex combination of the two scores, each scaled to 0–1 over the query's own candidates:
 * α·cosine' + (1−α)·bm25'. Chosen on BEIR SciFact through the real pipeline against reciprocal rank
 * fusion (`eval beir --fusion-table`; the figures are in the README's search section).
 */

/** Passages each index contributes to the fusion. */
export const DEPTH = 100;
/** Weight of meaning against words (the SciFact measurement chose it; see the module comment). */
export const DEFAULT_ALPHA = 0.3;

/** How candidates are fused: convex combination with weight α on meaning, or reciprocal rank fusion. */
export type Fusion = { kind: 'convex'; alpha: number } | { kind: 'rrf'; k: number };

/** A passage found by either side, with both scores (null: not found by that side) and the fused one. */
export interface Candidate {
  chunkId: number;
  fileId: number;
  similarity: number | null;
  words: number | null;
  score: number;
}

export interface Found {
  chunkId: number;
  fileId: number;
  score: number;
}

/**
 * Both candidate lists as one, each passage scored by `fusion`, best first. Passages found by words
 * alone get their exact similarity from `similarities` (none when the query has no vector).
 * `bm25Bound` is what a passage holding every query word could score (see bestPossibleBm25).
 */
export function fuse(
  dense: Found[],
  words: Found[],
  similarities: ((chunkIds: number[]) => ArrayLike<number>) | null,
  fusion: Fusion,
  meaningOnly = false,
  bm25Bound = 0,
): Candidate[] {
  const byId = new Map<number, Candidate>();
  dense.forEach((d) => byId.set(d.chunkId, { chunkId: d.chunkId, fileId: d.fileId, similarity: d.score, words: null, score: 0 }));
  for (const w of words) {
    const c = byId.get(w.chunkId);
    if (c) c.words = w.score;
    else byId.set(w.chunkId, { chunkId: w.chunkId, fileId: w.fileId, similarity: null, words: w.score, score: 0 });
  }
  const all = [...byId.values()];
  if (similarities) {
    const missing = all.filter((c) => c.similarity === null);
    if (missing.length) {
      const s = similarities(missing.map((c) => c.chunkId));
      missing.forEach((c, i) => (c.similarity = s[i]));
    }
  }
  if (meaningOnly || words.length === 0) {
    for (const c of all) c.score = c.similarity ?? 0;
  } else if (dense.length === 0) {
    for (const c of all) c.score = c.words ?? 0;
  } else if (fusion.kind === 'rrf') {
    const rank = (list: { chunkId: number }[]) => new Map(list.map((x, i) => [x.chunkId, i + 1]));
    const dr = rank(dense);
    const wr = rank(words);
    for (const c of all) c.score = (dr.has(c.chunkId) ? 1 / (fusion.k + dr.get(c.chunkId)!) : 0) + (wr.has(c.chunkId) ? 1 / (fusion.k + wr.get(c.chunkId)!) : 0);
  } else {
    const hi = dense[0].score;
    const lo = dense.at(-1)!.score;
    // bm25 is scaled by what a passage holding every query word could score, not by the best
    // passage's score: else a passage matching only "down" of "a panda slides down a slide" gets the
    // full keyword weight whenever no passage holds the rarer words.
    const top = Math.max(bm25Bound, words[0].score);
    for (const c of all) {
      const meaning = hi > lo ? Math.min(1, Math.max(0, ((c.similarity ?? lo) - lo) / (hi - lo))) : 1;
      const word = c.words !== null && top > 0 ? Math.min(1, c.words / top) : 0;
      c.score = fusion.alpha * meaning + (1 - fusion.alpha) * word;
    }
  }
  return all.sort((a, b) => b.score - a.score || a.chunkId - b.chunkId);
}
