/**
 * Fusing the two candidate lists (meaning and words) into one, each passage scored. The default is a
 * convex combination of the two scores, each scaled to 0–1 over the query's own candidates:
 * α·cosine' + (1−α)·bm25'. Chosen on BEIR SciFact through the real pipeline against reciprocal rank
 * fusion (`eval beir --fusion-table`).
 *
 * Every weight here and in the keyword side was chosen on SciFact's 809 training claims (`--qrels
 * train`, all-MiniLM-L6-v2 int8, AVX-512 VNNI CPU) and only reported on the 300 test claims. Words
 * alone, one change at a time (nDCG@10, the words line off so the whole ranking counts): FTS5 Porter
 * per passage 68.12 → Snowball (porter2) 68.28 → each file by the better of its whole text and its
 * best passage 69.27 (whole text alone 69.37, Porter with it 69.09); dropping the "s" of possessives
 * 69.35, one-character tokens 69.40, stop words from the index 68.94: none kept. bm25's k1 and b
 * (FTS5 fixes 1.2 and 0.75) measured outside FTS5 on whole abstracts: 70.33 there, within 0.2 of
 * every k1 in 0.9–1.5 and b in 0.5–0.9. Hybrid, α: 0.1 73.99, **0.2 74.02**, 0.3 73.30, 0.5 71.43,
 * 0.7 70.03; rrf k = 20 72.99. DEPTH 50 / 100 / 200 (the build before bm25Bound counted passages too):
 * 74.19 / 74.08 / 74.04 (kept 100: within noise, and the re-ranker's candidates). Test: words 62.04 → 67.99, hybrid 70.39 → 72.47 (meaning 65.12).
 */

/** Passages each index contributes to the fusion. */
export const DEPTH = 100;
/** Weight of meaning against words (chosen on SciFact's training claims; see the module comment). */
export const DEFAULT_ALPHA = 0.2;

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
    // Words alone: the share of what a file holding every query word could score (0–1, the order of bm25).
    const top = Math.max(bm25Bound, words[0].score);
    for (const c of all) c.score = top > 0 ? (c.words ?? 0) / top : 0;
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
