/**
 * What of a query the keyword index is asked: its distinct words and phrases, without stop words and
 * (in a big index) without words too common to rank by, and the best bm25 a passage could score for
 * them, which fusion scales the keyword scores by.
 */
import type { Corpus } from '../corpus/corpus';
import type { ParsedQuery } from './query-syntax';
import { rankingPhrase } from '../words/words';

/**
 * Words alone (no query vector, so no cosine to judge by): from this share of the best possible
 * keyword score (KeywordQuery.bm25Bound) a file is a good match. Without it, "good" by words meant a
 * passage holding every typed word, stop words included, which a claim of a dozen words almost never
 * has: words-only search listed three greyed files for most such questions. Chosen like the cosine
 * line (no-match.ts), on SciFact's 809 training claims against 500 STS-B dev sentences (`eval beir
 * --cutoff ../shared/eval/stsb/sts-dev.csv --qrels train`, the `words_line` rows): the highest line
 * that flags at most 2 % of answerable claims. 0.10 flags 0.1 % / 1.8 % of off-topic sentences,
 * 0.15 flags 2.0 % / 24.0 %, 0.20 flags 7.3 % / 58.6 %. A hybrid search keeps the cosine line:
 * by words, off-topic sentences are too often partly matched.
 */
export const WORDS_LINE = 0.15;

/** Whether a keyword score (raw bm25; null: not found by words) reaches WORDS_LINE of the best possible. */
export function strongWords(words: number | null, bm25Bound: number): boolean {
  return words !== null && bm25Bound > 0 && words >= WORDS_LINE * bm25Bound;
}

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

type Keywords = Pick<Corpus, 'size' | 'keywords' | 'counts'>;

export function keywordQuery(parsed: ParsedQuery, corpus: Keywords): KeywordQuery {
  // A pasted page of text: its first distinct words are plenty for bm25 (FTS5 evaluates every OR branch).
  // Stop words ("the", "of") match nearly every passage and weigh almost nothing in bm25: they are
  // left out of the keyword query unless the query is nothing but stop words ("to be or not to be").
  const content = parsed.words.filter((w) => !(w.tokens.length === 1 && STOP_WORDS.has(w.tokens[0])));
  const keywordWords = content.length ? content : parsed.words;
  const distinct = [...new Map([...keywordWords, ...parsed.phrases].map((w) => [w.tokens.join(' '), w])).values()].slice(0, MAX_KEYWORDS);
  const positives = withoutCommonWords(distinct, parsed.phrases, corpus);
  // Asked of the ranking tables by stems and CJK bigrams; two words with one stem are asked once.
  const phrases = [...new Set(positives.map((w) => rankingPhrase(w.text)).filter((p) => p !== null))];
  return {
    match: phrases.length ? phrases.join(' OR ') : null,
    bm25Bound: bestPossibleBm25(phrases, corpus),
  };
}

/**
 * FTS5 scores every passage that matches any word: a word in more than a fiftieth of the passages
 * makes that most of the index while adding little to bm25 (idf below ln 49). Such words are left
 * out of the keyword query while a rarer word remains (quoted phrases always stay). Measured with
 * the rule forced on the SciFact subset, nDCG@10: none 78.58, 5 % 78.72, 2 % 78.43; bench:index at
 * 100,620 passages, hybrid / meaning p50: none 2.85×, 5 % 1.65×, 2 % 1.40×.
 */
function withoutCommonWords(words: Word[], phrases: Word[], corpus: Keywords): Word[] {
  const n = corpus.size;
  // A small index ranks every match in a few milliseconds: keep every word there.
  if (n < PRUNE_FROM) return words;
  const df = (w: Word) => Math.min(...w.tokens.map((t) => corpus.keywords.passagesWith(t)));
  const rare = words.filter((w) => phrases.includes(w) || df(w) <= n * COMMON_SHARE);
  return rare.length ? rare : words;
}

/**
 * An upper bound of the keyword score (word-index.ts: the better of a file's whole-text bm25 and its
 * best passage's) for a file holding every one of these ranking phrases: Σ idf·(k1 + 1), with FTS5's
 * idf = ln((N − n + 0.5)/(n + 0.5)) (at least 1e-6) and k1 = 1.2, counted in files and in passages,
 * whichever is higher (in a few long files a passage's idf is far above its file's).
 */
function bestPossibleBm25(phrases: string[], corpus: Keywords): number {
  const bound = (n: number, df: (phrase: string) => number) => {
    let sum = 0;
    // Counted on the stems, as bm25 ranks them ("mutations" counts every file with "mutation").
    // A word nothing holds counts too, at the idf it would have: a passage matching only the
    // query's common words ("一个", "down") is a weak keyword match when its key word is nowhere
    // (斑马 "zebra" asked in Chinese of a folder that says it only in English).
    for (const phrase of phrases) {
      const holding = df(phrase);
      sum += Math.max(1e-6, Math.log((n - holding + 0.5) / (holding + 0.5))) * 2.2;
    }
    return sum;
  };
  const { keywords } = corpus;
  return Math.max(
    bound(corpus.counts().files, (p) => keywords.filesWithStem(p)),
    bound(corpus.size, (p) => keywords.passagesWithStem(p)),
  );
}
