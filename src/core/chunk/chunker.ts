/**
 * Token-aware chunking: passages of at most the model's word pieces (incl. [CLS]/[SEP]), cut at
 * headings first, then paragraphs, then sentences (also 。！？ for Chinese and Japanese), then words,
 * then characters. Neighbouring passages overlap by a sentence or so, so a thought cut in two is still
 * whole in one passage. Every passage is an exact [start, end) slice of the extracted text.
 */
import type { TokenCounter } from '../embed/types';
import type { ExtractedDocument } from '../extract/types';
import { locator } from './locate';

export interface Chunk {
  /** Offset of the first character in the extracted text. */
  start: number;
  /** Offset one past the last character. */
  end: number;
  /** text.slice(start, end). */
  text: string;
  /** "§ Install › Linux", "line 12" or "page 3". */
  location: string | null;
  /**
   * The model's token ids for `text` (with its special tokens), when the counting that cut the passage
   * tokenised exactly this text: the embedding engine uses them instead of tokenising it again.
   */
  tokenIds?: number[];
}

export interface ChunkOptions {
  /** Word pieces per passage including [CLS] and [SEP] (the model's max sequence length). */
  maxTokens: number;
  /** Word pieces repeated from the end of one passage at the start of the next (default 32). */
  overlapTokens?: number;
}

interface Span {
  start: number;
  end: number;
  tokens: number;
  /** A heading starts here: never glue it to the passage before. */
  hard: boolean;
}

const SENTENCE_END = /[.!?…]+["'”’)\]]*\s+|[。！？]+["'”’」』)）]*\s*|\n+/g;

export function chunkDocument(doc: ExtractedDocument, counter: TokenCounter, options: ChunkOptions): Chunk[] {
  const budget = options.maxTokens - 2;
  const overlap = options.overlapTokens ?? 32;
  const { text } = doc;
  const count = (s: number, e: number) => counter.count(text.slice(s, e));
  const locate = locator(doc);
  const hardStarts = new Set(doc.sections.map((s) => s.start));

  const units: Span[] = [];
  for (const block of blocks(text, hardStarts)) {
    const tokens = count(block.start, block.end);
    if (tokens <= budget) units.push({ ...block, tokens });
    else split(text, block, budget, count, units);
  }

  const chunks: Chunk[] = [];
  let current: Span[] = [];
  let tokens = 0;
  const flush = () => {
    if (current.length === 0) return;
    const start = current[0].start;
    const end = current.at(-1)!.end;
    const passage = text.slice(start, end);
    const tokenIds = counter.countedIds?.(passage);
    chunks.push({ start, end, text: passage, location: locate(start), ...(tokenIds ? { tokenIds } : {}) });
  };
  for (const unit of units) {
    // Pieces of text cut at whitespace add up exactly; near the limit, count the joined text to be sure.
    const fits =
      current.length > 0 &&
      !unit.hard &&
      tokens + unit.tokens <= budget &&
      (tokens + unit.tokens < budget - 16 || count(current[0].start, unit.end) <= budget);
    if (fits) {
      current.push(unit);
      tokens += unit.tokens;
      continue;
    }
    const previous = current;
    flush();
    current = [unit];
    tokens = unit.tokens;
    if (unit.hard || previous.length < 2) continue;
    // Carry the tail of the previous passage (whole sentences, up to `overlap` pieces) into this one.
    let carriedTokens = 0;
    for (let i = previous.length - 1; i > 0; i--) {
      const carried = previous[i];
      carriedTokens += carried.tokens;
      if (carriedTokens > overlap || tokens + carried.tokens > budget) break;
      if (count(carried.start, current.at(-1)!.end) > budget) break;
      current.unshift(carried);
      tokens += carried.tokens;
    }
  }
  flush();
  return chunks;
}

/** Paragraphs (text between blank lines), also cut where a heading starts, trimmed of whitespace. */
function* blocks(text: string, hardStarts: Set<number>): Generator<Omit<Span, 'tokens'>> {
  const cuts = [...hardStarts].sort((a, b) => a - b);
  const re = /\n[ \t]*\n\s*/g;
  let from = 0;
  const emit = function* (s: number, e: number): Generator<Omit<Span, 'tokens'>> {
    let ci = cuts.findIndex((c) => c > s);
    while (ci >= 0 && ci < cuts.length && cuts[ci] < e) {
      yield* trimmed(text, s, cuts[ci], hardStarts.has(s));
      s = cuts[ci++];
    }
    yield* trimmed(text, s, e, hardStarts.has(s));
  };
  for (const m of text.matchAll(re)) {
    yield* emit(from, m.index!);
    from = m.index! + m[0].length;
  }
  yield* emit(from, text.length);
}

function* trimmed(text: string, s: number, e: number, hard: boolean): Generator<Omit<Span, 'tokens'>> {
  while (s < e && /\s/.test(text[s])) s++;
  while (e > s && /\s/.test(text[e - 1])) e--;
  if (e > s) yield { start: s, end: e, hard };
}

/** Split an over-long block into sentences, then words, then characters, each within the budget. */
function split(
  text: string,
  block: Omit<Span, 'tokens'>,
  budget: number,
  count: (s: number, e: number) => number,
  out: Span[],
): void {
  let hard = block.hard;
  const push = (s: number, e: number, tokens: number) => {
    out.push({ start: s, end: e, tokens, hard });
    hard = false;
  };
  for (const [s, e] of pieces(text, block.start, block.end, SENTENCE_END)) {
    const tokens = count(s, e);
    if (tokens <= budget) {
      push(s, e, tokens);
      continue;
    }
    // A sentence longer than a passage: pack words greedily; a word too long is cut by characters.
    let ws = -1;
    let we = -1;
    for (const [a, b] of pieces(text, s, e, /\s+/g)) {
      if (ws >= 0 && count(ws, b) <= budget) {
        we = b;
        continue;
      }
      if (ws >= 0) push(ws, we, count(ws, we));
      if (count(a, b) <= budget) [ws, we] = [a, b];
      else {
        let from = a;
        while (from < b) {
          const to = longestFit(from, b, budget, count);
          push(from, to, count(from, to));
          from = to;
        }
        ws = -1;
      }
    }
    if (ws >= 0) push(ws, we, count(ws, we));
  }
}

/** Pieces of text[s, e) ending after each separator match, trimmed; the separator stays with its piece. */
function* pieces(text: string, s: number, e: number, sep: RegExp): Generator<[number, number]> {
  const re = new RegExp(sep.source, 'g');
  const slice = text.slice(s, e);
  let from = 0;
  for (const m of slice.matchAll(re)) {
    const cut = m.index! + m[0].length;
    const [a, b] = trimSpan(slice, from, cut);
    if (b > a) yield [s + a, s + b];
    from = cut;
  }
  const [a, b] = trimSpan(slice, from, slice.length);
  if (b > a) yield [s + a, s + b];
}

function trimSpan(text: string, a: number, b: number): [number, number] {
  while (a < b && /\s/.test(text[a])) a++;
  while (b > a && /\s/.test(text[b - 1])) b--;
  return [a, b];
}

/** Largest end in (from, to] with at most `budget` pieces, never splitting a surrogate pair. */
function longestFit(from: number, to: number, budget: number, count: (s: number, e: number) => number): number {
  let lo = from + 1;
  let hi = to;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (count(from, mid) <= budget) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
