/**
 * A retrieval check made from sentence pairs with graded similarity (the Chinese STS-B): every
 * distinct sentence is a document; a sentence with a partner of gold score 5 (the same meaning) is a
 * query, and its gold-5 partners are the documents it should find, in both directions. The query's
 * own sentence is in the corpus too, so it is left out of its own ranking (as MTEB does when a
 * query and a document share an id).
 */
import type { StsPair } from './sts';

export interface PairRetrieval {
  /** Document id → sentence (ids "s0", "s1", … in order of first appearance). */
  docs: Map<string, string>;
  /** Query id (the id of the query's own sentence) → the ids of its gold partners. */
  relevant: Map<string, Set<string>>;
}

export function pairRetrieval(pairs: StsPair[], gold = 5): PairRetrieval {
  const idOf = new Map<string, string>();
  const docs = new Map<string, string>();
  const id = (text: string) => {
    let d = idOf.get(text);
    if (!d) {
      idOf.set(text, (d = `s${idOf.size}`));
      docs.set(d, text);
    }
    return d;
  };
  const relevant = new Map<string, Set<string>>();
  for (const p of pairs) {
    const [a, b] = [id(p.a.trim()), id(p.b.trim())];
    // A sentence paired with itself finds nothing but itself, which is left out.
    if (p.score < gold || a === b) continue;
    for (const [q, d] of [
      [a, b],
      [b, a],
    ]) {
      if (!relevant.has(q)) relevant.set(q, new Set());
      relevant.get(q)!.add(d);
    }
  }
  return { docs, relevant };
}
