/**
 * Spelling correction against the index's own words ("stahs my chnages" → "stash my changes"): a
 * typed word that no passage holds is replaced by the indexed word closest to it by edit distance
 * (one edit for words of up to four letters, two beyond), the most common one on a tie. Words the
 * index holds are never touched, so names and jargon that are in the files stay as typed.
 *
 * Two swapped neighbouring letters ("stahs") count as one edit, as in Damerau's distance: without
 * that, "stats" (one substitution) would beat "stash" (two). Among equally close words the one in
 * more passages wins, as in SymSpell.
 *
 * The vocabulary comes from FTS5's fts5vocab table and is cached until the index changes and a
 * correction is next needed. fastest-levenshtein (Myers' bit-parallel algorithm) does the distances.
 */
import { distance } from 'fastest-levenshtein';
import type { WordIndex } from '../store/word-index';

/** What spelling reads of the keyword index. */
export type Vocabulary = Pick<WordIndex, 'passagesWith' | 'vocabulary'>;
import { tokens } from '../words/words';

/** Words this short are left alone: too many real words lie one edit from each other. */
const MIN_LENGTH = 3;
const MAX_WORDS = 12;

export class Speller {
  private byLength: Map<number, { term: string; doc: number }[]> | null = null;
  private loaded = { generation: -1, at: 0 };

  /** `generation` changes whenever the index does: the vocabulary is then read again, at most every 10 s. */
  constructor(
    private readonly words: Vocabulary,
    private readonly generation: () => number,
  ) {}

  /**
   * The query with its unknown words corrected, or null when every word is known or none has a close
   * indexed word. `units` are the query's words as typed; only single-token Latin-like units are
   * candidates (identifiers such as "--no-ff" or "v1.2" are searched as typed).
   */
  correct(text: string, units: string[]): string | null {
    // A pasted paragraph is searched as typed: correcting is for queries a person types.
    if (units.length > MAX_WORDS) return null;
    let out = text;
    let changed = false;
    for (const unit of units) {
      const t = tokens(unit);
      if (t.length !== 1 || t[0].length < MIN_LENGTH || !/^\p{L}+$/u.test(t[0]) || /\p{Script=Han}/u.test(t[0])) continue;
      const word = t[0];
      if (this.words.passagesWith(word) > 0) continue;
      const fix = this.closest(word);
      if (!fix) continue;
      out = out.replace(unit, fix);
      changed = true;
    }
    return changed ? out : null;
  }

  private closest(word: string): string | null {
    const limit = word.length <= 4 ? 1 : 2;
    const vocab = this.vocabulary();
    let best: { term: string; doc: number; d: number } | null = null;
    for (let len = word.length - limit; len <= word.length + limit; len++) {
      for (const v of vocab.get(len) ?? []) {
        const d = swapped(word, v.term) ? 1 : distance(word, v.term);
        if (d > limit) continue;
        if (!best || d < best.d || (d === best.d && v.doc > best.doc)) best = { ...v, d };
      }
    }
    return best?.term ?? null;
  }

  private vocabulary(): Map<number, { term: string; doc: number }[]> {
    const now = Date.now();
    if (this.byLength && this.generation() !== this.loaded.generation && now - this.loaded.at > 10_000) this.byLength = null;
    if (!this.byLength) {
      this.loaded = { generation: this.generation(), at: now };
      const map = new Map<number, { term: string; doc: number }[]>();
      for (const v of this.words.vocabulary()) {
        if (!/^\p{L}+$/u.test(v.term)) continue;
        const list = map.get(v.term.length);
        if (list) list.push(v);
        else map.set(v.term.length, [v]);
      }
      this.byLength = map;
    }
    return this.byLength;
  }
}

/** Whether `b` is `a` with two neighbouring letters swapped. */
function swapped(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let i = 0;
  while (i < a.length && a[i] === b[i]) i++;
  return i < a.length - 1 && a[i] === b[i + 1] && a[i + 1] === b[i] && a.slice(i + 2) === b.slice(i + 2);
}
