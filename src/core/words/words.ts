/**
 * Words as the keyword index (SQLite FTS5, unicode61 tokenizer) sees them, on both sides: the text
 * given to the index, and the FTS5 query built from what a person typed.
 *
 * unicode61 treats a run of Chinese or Japanese characters as one token, so "机器学习很有趣" would only
 * match a query for the whole run. Each CJK character is indexed as its own token instead, and a
 * query word becomes the phrase of its characters: a two-character word matches wherever its two
 * characters stand side by side, whatever a dictionary would have cut the document into. On the
 * query side, runs of CJK are cut into words with `Intl.Segmenter` (ICU's dictionary, present in
 * Node and Chromium), so a Chinese question matches by its words, not only as a whole.
 *
 * Measured against the alternatives on the Chinese STS-B check (`eval cjk`, valid split; the figures
 * are in the issue 20 note): overlapping bigrams in the index, as Lucene's CJK analyzer makes them,
 * rank exactly as these phrases of characters do (bm25 counts a phrase's rows and hits as it counts
 * a bigram's, and a run of n characters is n tokens either way) and were no faster at 100,000 rows;
 * indexing Intl.Segmenter's words instead lost 3 points (一个 no longer matches inside 另一个), and
 * OR-ing a query's bigrams, as Lucene queries them, lost 16. Each character asked alone is what
 * word-aware phrases avoid: 18 against 90.
 *
 * The ranking tables (chunk_stems, file_stems) hold the same tokens with English words cut to their
 * Snowball stems ("mutations" → "mutat"), by porter2 before the text reaches FTS5 (whose own
 * tokenizers offer only Porter's first stemmer).
 */
import { stem } from 'porter2';

const CJK = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/u;
const CJK_CHARS = /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}]/gu;
/** Token characters of unicode61: letters, numbers and private-use characters; the rest separates. */
const SEPARATORS = /[^\p{L}\p{N}\p{Co}\p{M}]+/u;

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** The text the keyword index stores for a passage or a file name: CJK characters spaced apart. */
export function indexText(text: string): string {
  return CJK.test(text) ? text.replace(CJK_CHARS, ' $& ') : text;
}

/** Tokens as unicode61 (remove_diacritics 2) makes them: lower case, no accents, split at non-letters. */
export function tokens(text: string): string[] {
  return indexText(text)
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .split(SEPARATORS)
    .filter(Boolean);
}

/** What porter2 stems: Snowball's English algorithm reads lower-case a–z only. */
const ENGLISH = /^[a-z]+$/;

/** The tokens the ranking tables hold (chunk_stems, file_stems), in order: `tokens`, English words as their Snowball stems. */
export function rankingTokens(text: string): string[] {
  return tokens(text).map((t) => (ENGLISH.test(t) ? stemOf(t) : t));
}

/** The text a ranking table is given: its tokens, space-separated (unicode61 then splits only there). */
export function rankingText(text: string): string {
  return rankingTokens(text).join(' ');
}

/** The FTS5 query of the ranking tables for a word or phrase as typed: the phrase of its tokens, stemmed (null when it has none). */
export function rankingPhrase(text: string): string | null {
  const t = rankingTokens(text);
  return t.length ? ftsPhrase(t) : null;
}

/** Stems already computed: a text repeats its words, and indexing a folder repeats its vocabulary. */
const stems = new Map<string, string>();

function stemOf(word: string): string {
  let s = stems.get(word);
  if (s === undefined) {
    if (stems.size >= 100_000) stems.clear();
    stems.set(word, (s = stem(word)));
  }
  return s;
}

/**
 * A typed word as the keyword index can match it: its tokens in order (a phrase). "--no-ff" and
 * "git-stash" become the phrases "no ff" and "git stash"; a run of Chinese becomes its words, each
 * the phrase of its characters.
 */
export function queryWords(unit: string): QueryWord[] {
  if (!CJK.test(unit)) {
    const t = tokens(unit);
    return t.length ? [{ text: unit, tokens: t }] : [];
  }
  const out: QueryWord[] = [];
  for (const s of segmenter.segment(unit)) {
    if (!s.isWordLike) continue;
    const t = tokens(s.segment);
    if (t.length) out.push({ text: s.segment, tokens: t });
  }
  return out;
}

/** A word of a query: as typed, and as the keyword index's tokens (matched as a phrase). */
export interface QueryWord {
  text: string;
  tokens: string[];
}

/** An FTS5 phrase for these tokens; quoting makes every FTS5 operator a plain word. */
export function ftsPhrase(words: string[]): string {
  return `"${words.join(' ').replaceAll('"', '""')}"`;
}

/** Whether `text` holds the tokens of `phrase` side by side (what FTS5 matched, found again for display). */
export function containsPhrase(textTokens: string[], phrase: string[]): boolean {
  if (phrase.length === 0) return false;
  outer: for (let i = 0; i + phrase.length <= textTokens.length; i++) {
    for (let j = 0; j < phrase.length; j++) if (textTokens[i + j] !== phrase[j]) continue outer;
    return true;
  }
  return false;
}
