/**
 * What of a query the keyword index is asked: its distinct words and phrases, without stop words and
 * (in a big index) without words too common to rank by, and the best bm25 a passage could score for
 * them, which fusion scales the keyword scores by.
 */
import type { Corpus } from '../corpus/corpus';
import type { ParsedQuery } from './query-syntax';
import { ftsPhrase } from '../words/words';

/** Lucene's English stop words (EnglishAnalyzer.ENGLISH_STOP_WORDS_SET). */
const STOP_WORDS = new Set(
  'a an and are as at be but by for if in into is it no not of on or such that the their then there these they this to was will with'.split(' '),
);
/** A word in more than this share of passages is too common to rank by (see withoutCommonWords). */
const COMMON_SHARE = 0.02;
/** Passages from which common words are left out of the keyword query. */
const PRUNE_FROM = 20_000;
/** Words of a query given to the keyword index. */
const MAX_KEYWORDS = 64;

type Word = ParsedQuery['words'][number];

export interface KeywordQuery {
  /** The FTS5 query (words and phrases OR-ed), or null when nothing is left to ask. */
  match: string | null;
  /** An upper bound of bm25 for a passage holding every asked word. */
  bm25Bound: number;
}

export function keywordQuery(parsed: ParsedQuery, corpus: Pick<Corpus, 'size' | 'keywords'>): KeywordQuery {
  // A pasted page of text: its first distinct words are plenty for bm25 (FTS5 evaluates every OR branch).
  // Stop words ("the", "of") match nearly every passage and weigh almost nothing in bm25: they are
  // left out of the keyword query unless the query is nothing but stop words ("to be or not to be").
  const content = parsed.words.filter((w) => !(w.tokens.length === 1 && STOP_WORDS.has(w.tokens[0])));
  const keywordWords = content.length ? content : parsed.words;
  const distinct = [...new Map([...keywordWords, ...parsed.phrases].map((w) => [w.tokens.join(' '), w])).values()].slice(0, MAX_KEYWORDS);
  const positives = withoutCommonWords(distinct, parsed.phrases, corpus);
  return {
    match: positives.length ? positives.map((w) => ftsPhrase(w.tokens)).join(' OR ') : null,
    bm25Bound: bestPossibleBm25(positives, corpus),
  };
}

/**
 * FTS5 scores every passage that matches any word: a word in more than a fiftieth of the passages
 * makes that most of the index while adding little to bm25 (idf below ln 49). Such words are left
 * out of the keyword query while a rarer word remains (quoted phrases always stay). Measured with
 * the rule forced on the SciFact subset, nDCG@10: none 78.58, 5 % 78.72, 2 % 78.43; bench:index at
 * 100,620 passages, hybrid / meaning p50: none 2.85×, 5 % 1.65×, 2 % 1.40×.
 */
function withoutCommonWords(words: Word[], phrases: Word[], corpus: Pick<Corpus, 'size' | 'keywords'>): Word[] {
  const n = corpus.size;
  // A small index ranks every match in a few milliseconds: keep every word there.
  if (n < PRUNE_FROM) return words;
  const df = (w: Word) => Math.min(...w.tokens.map((t) => corpus.keywords.passagesWith(t)));
  const rare = words.filter((w) => phrases.includes(w) || df(w) <= n * COMMON_SHARE);
  return rare.length ? rare : words;
}

/**
 * An upper bound of FTS5's bm25 for a passage holding every one of these words:
 * Σ idf·(k1 + 1), with FTS5's idf = ln((N − n + 0.5)/(n + 0.5)) (at least 1e-6) and k1 = 1.2. A
 * phrase counts with its rarest word's count.
 */
function bestPossibleBm25(words: Word[], corpus: Pick<Corpus, 'size' | 'keywords'>): number {
  const n = corpus.size;
  let sum = 0;
  for (const w of words) {
    // Counted on the stems, as bm25 ranks them ("mutations" counts every passage with "mutation").
    // A word no passage holds counts too, at the idf it would have: a passage matching only the
    // query's common words ("一个", "down") is a weak keyword match when its key word is nowhere
    // (斑马 "zebra" asked in Chinese of a folder that says it only in English).
    const df = Math.min(...w.tokens.map((t) => corpus.keywords.passagesWithStem(ftsPhrase([t]))));
    sum += Math.max(1e-6, Math.log((n - df + 0.5) / (df + 0.5))) * 2.2;
  }
  return sum;
}
