/**
 * What a person typed, read the way search boxes have taught people to write: `"exact phrase"` must
 * occur, `-word` excludes, everything else is looked for by meaning and by words. A leading `--`
 * (`--no-ff`) is a word, not an exclusion, and FTS5's own operators (AND, NEAR, *, ^, :) are text.
 */
import { queryWords, type QueryWord } from '../words/words';

export interface ParsedQuery {
  /** The text given to the model: the query without exclusions and quote marks. */
  meaningText: string;
  /** Whitespace-separated words (outside quotes and exclusions), as typed. */
  units: string[];
  /** The units as the keyword index matches them (a CJK run gives its words). */
  words: QueryWord[];
  /** Phrases that must occur. */
  phrases: QueryWord[];
  /** Words whose files are left out (text without the dash). */
  excluded: QueryWord[];
}

const QUOTED = /["“”„«»]([^"“”„«»]*)["“”„«»]/g;

export function parseQuery(text: string): ParsedQuery {
  const phrases: ParsedQuery['phrases'] = [];
  const rest = text.replace(QUOTED, (_, inner: string) => {
    const t = queryWords(inner).flatMap((w) => w.tokens);
    if (t.length) phrases.push({ tokens: t, text: inner.trim() });
    return ' ';
  });
  const units: string[] = [];
  const excluded: ParsedQuery['excluded'] = [];
  for (const unit of rest.split(/\s+/).filter(Boolean)) {
    if (/^-[^-]/.test(unit)) {
      const t = queryWords(unit.slice(1)).flatMap((w) => w.tokens);
      if (t.length) excluded.push({ tokens: t, text: unit.slice(1) });
      continue;
    }
    units.push(unit);
  }
  const words = units.flatMap((u) => queryWords(u));
  return { meaningText: meaningOrder(text, excluded.map((e) => e.text)), units, words, phrases, excluded };
}

/** The query as typed minus its exclusions and quote marks, so the model reads the words in their order. */
function meaningOrder(text: string, excluded: string[]): string {
  const drop = new Set(excluded.map((e) => `-${e}`));
  return text
    .replace(/["“”„«»]/g, ' ')
    .split(/\s+/)
    .filter((u) => u && !drop.has(u))
    .join(' ')
    .trim();
}
