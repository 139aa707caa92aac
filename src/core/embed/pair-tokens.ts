/**
 * A (query, passage) pair as a cross-encoder reads it: both texts in one sequence with the tokenizer's
 * pair template ([CLS] q [SEP] p [SEP] with token types 0…0 1…1 for BERT; <s> q </s></s> p </s> for
 * XLM-R), cut to the model's max length the way transformers' `truncation=True` (longest_first) cuts
 * a pair in the tokenizers library: the shorter text keeps all its pieces when the longer one still
 * has as many left, else both get half of the room (the longer one the odd piece).
 */
import { verifyFiles, TOKENIZER_FILES } from './model-files';
import { buildTokenizer, wellFormed } from './tokenizer';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { ModelManifest } from './model-files';

export interface PairEncoding {
  ids: number[];
  typeIds: number[];
}

export interface PairTokenizer {
  encode(query: string, passage: string): PairEncoding;
  readonly padId: number;
  readonly maxSeqLength: number;
}

/** Longest prefix tokenised: a text's first pieces are the same as the whole text's (cut at whitespace). */
const PREFIX_CHARS = 16_384;

/**
 * Pieces each side keeps when `first` and `second` pieces must fit `room` (tokenizers' LongestFirst for a
 * pair, ported as it is: the same lengths as `CrossEncoder.predict` feeds the model).
 */
export function pairLengths(first: number, second: number, room: number): [number, number] {
  if (first + second <= room) return [first, second];
  const swap = first > second;
  let n1 = swap ? second : first;
  let n2 = swap ? first : second;
  n2 = n1 > room ? n1 : Math.max(n1, room - n1);
  if (n1 + n2 > room) {
    n1 = Math.floor(room / 2);
    n2 = n1 + (room % 2);
  }
  const [a, b] = swap ? [n2, n1] : [n1, n2];
  return [Math.min(a, first), Math.min(b, second)];
}

interface Template {
  /** Special ids before the first text, between the texts, after the second, and each part's token type. */
  parts: { ids: number[]; type: number }[];
  firstType: number;
  secondType: number;
}

export function loadPairTokenizer(dir: string, maxSeqLength: number, manifest: ModelManifest | null): PairTokenizer {
  verifyFiles(dir, manifest, TOKENIZER_FILES.filter((f) => existsSync(join(dir, f)) || manifest?.files[f]));
  const { tok, padId } = buildTokenizer(dir);
  const bare = (text: string): number[] => {
    const safe = wellFormed(text);
    let cut = safe;
    if (safe.length > PREFIX_CHARS) {
      const at = safe.lastIndexOf(' ', PREFIX_CHARS);
      cut = safe.slice(0, at > PREFIX_CHARS / 2 ? at : PREFIX_CHARS);
    }
    return tok.encode(cut, { add_special_tokens: false }).ids;
  };
  const template = learnTemplate(tok.encode.bind(tok) as never, bare);
  const specials = template.parts.reduce((n, p) => n + p.ids.length, 0);
  return {
    padId,
    maxSeqLength,
    encode(query, passage) {
      const a = bare(query);
      const b = bare(passage);
      const [na, nb] = pairLengths(a.length, b.length, Math.max(0, maxSeqLength - specials));
      const [before, between, after] = template.parts;
      const ids = [...before.ids, ...a.slice(0, na), ...between.ids, ...b.slice(0, nb), ...after.ids];
      const typeIds = [
        ...before.ids.map(() => before.type),
        ...new Array<number>(na).fill(template.firstType),
        ...between.ids.map(() => between.type),
        ...new Array<number>(nb).fill(template.secondType),
        ...after.ids.map(() => after.type),
      ];
      return { ids, typeIds };
    },
  };
}

type Encode = (text: string, options: { text_pair?: string; add_special_tokens?: boolean; return_token_type_ids?: boolean }) => { ids: number[]; token_type_ids?: number[] };

/** The tokenizer's own pair template, read off one encoded pair (its post-processor places the specials). */
function learnTemplate(encode: Encode, bare: (t: string) => number[]): Template {
  const first = 'hello there';
  const second = 'general kenobi';
  const a = bare(first);
  const b = bare(second);
  const full = encode(first, { text_pair: second, add_special_tokens: true, return_token_type_ids: true });
  const types = full.token_type_ids ?? new Array<number>(full.ids.length).fill(0);
  const find = (part: number[], from: number) => {
    for (let i = from; i + part.length <= full.ids.length; i++) if (part.every((id, k) => full.ids[i + k] === id)) return i;
    throw new Error('the tokenizer has no pair template Trove can read');
  };
  const i = find(a, 0);
  const j = find(b, i + a.length);
  const part = (from: number, to: number) => ({ ids: full.ids.slice(from, to), type: types[from] ?? types[Math.max(0, from - 1)] ?? 0 });
  return {
    parts: [part(0, i), part(i + a.length, j), part(j + b.length, full.ids.length)],
    firstType: types[i] ?? 0,
    secondType: types[j] ?? 0,
  };
}
