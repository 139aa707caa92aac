/**
 * Fused candidates grouped by file, best file first, files found by name leading; near-identical
 * passages of one file show once.
 */
import type { Corpus } from '../corpus/corpus';
import type { StoredChunk } from '../store/rows';
import type { Candidate } from './fusion';
import { tokens } from '../words/words';

const PASSAGES_PER_FILE = 4;
/** Passages of one file this alike (shared words, Jaccard) show once. */
const NEAR_DUPLICATE = 0.8;

export interface FileGroup {
  fileId: number;
  passages: Candidate[];
}

export interface Grouped {
  groups: FileGroup[];
  /** The rows of every passage shown, read once. */
  chunks: Map<number, StoredChunk>;
  /** A passage's tokens (computed once per search). */
  tokensOf: (chunkId: number) => string[];
}

/** Candidates grouped by file; `named` files lead, and one found by name but by no passage shows its first. */
export function groupByFile(corpus: Corpus, candidates: Candidate[], named: number[]): Grouped {
  const groups = new Map<number, FileGroup>();
  for (const id of named) groups.set(id, { fileId: id, passages: [] });
  // A file found by name but by no passage shows its first passage: read with the others, in one go.
  const found = new Set(candidates.map((c) => c.fileId));
  const firsts = new Map<number, number>();
  for (const id of named) {
    const first = found.has(id) ? undefined : corpus.firstPassage(id);
    if (first !== undefined) firsts.set(id, first);
  }
  const chunks = corpus.passages([...candidates.map((c) => c.chunkId), ...firsts.values()]);
  const tokenCache = new Map<number, string[]>();
  const tokensOf = (id: number) => {
    let t = tokenCache.get(id);
    if (!t) tokenCache.set(id, (t = tokens(chunks.get(id)?.text ?? '')));
    return t;
  };
  const kept = new Map<number, Set<string>[]>();
  for (const c of candidates) {
    let g = groups.get(c.fileId);
    if (!g) groups.set(c.fileId, (g = { fileId: c.fileId, passages: [] }));
    if (g.passages.length >= PASSAGES_PER_FILE) continue;
    if (g.passages.length > 0) {
      // Word sets only for files that already show a passage: most candidates are a file's first.
      const sets = kept.get(c.fileId) ?? g.passages.map((p) => new Set(tokensOf(p.chunkId)));
      const set = new Set(tokensOf(c.chunkId));
      if (sets.some((other) => jaccard(other, set) >= NEAR_DUPLICATE)) continue;
      sets.push(set);
      kept.set(c.fileId, sets);
    }
    g.passages.push(c);
  }
  for (const id of named) {
    const g = groups.get(id)!;
    if (g.passages.length > 0) continue;
    const first = firsts.get(id);
    if (first === undefined) groups.delete(id);
    else g.passages.push({ chunkId: first, fileId: id, similarity: null, words: null, score: 0 });
  }
  const list = [...groups.values()];
  const lead = list.filter((g) => named.includes(g.fileId));
  return { groups: [...lead, ...list.filter((g) => !named.includes(g.fileId))], chunks, tokensOf };
}

function jaccard(a: Set<string>, b: Set<string>): number {
  if (a.size === 0 && b.size === 0) return 1;
  let both = 0;
  for (const x of a) if (b.has(x)) both++;
  return both / (a.size + b.size - both);
}
