/**
 * The model's tokenizer from its tokenizer.json — WordPiece (BERT), Unigram/SentencePiece (XLM-R, with
 * its own pad id) or BPE — built with @huggingface/tokenizers from the verified local files (never the
 * network). That is the tokenizer @huggingface/transformers wraps; transformers itself is not used: it
 * imports sharp and carries onnxruntime-web, 150 MB the app would ship for nothing (issue 11 item 5). Truncation matches sentence-transformers: the special tokens the tokenizer adds around a
 * text are kept and the text's own pieces are cut to fit maxSeqLength.
 */
import { Tokenizer } from '@huggingface/tokenizers';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultModelDir, ModelFileError, TOKENIZER_FILES, verifyFiles } from './model-files';
import { readSentenceModel } from './sentence-model';
import type { TokenCounter } from './types';

/**
 * Encodings of the latest counted texts kept for TokenCounter.countedIds: the chunker counts every
 * paragraph of a file before it packs them into passages, so a file of up to this many paragraphs
 * still finds its single-paragraph passages here (a few MB at most).
 */
const COUNTED_KEPT = 2048;

/** Longest prefix tokenized at first; enough for 512 pieces of any ordinary text. */
const FIRST_PREFIX_CHARS = 16_384;

export interface ModelTokenizer extends TokenCounter {
  /** Token ids with the model's special tokens, truncated at maxSeqLength. */
  ids(text: string): number[];
  readonly maxSeqLength: number;
  /** The id padding positions carry (XLM-R: 1, BERT: 0); padding is masked, but some graphs look. */
  readonly padId: number;
}

/** Read tokenizer.json (+ tokenizer_config.json if present) and build the tokenizer, with its pad id. */
export function buildTokenizer(modelDir: string): { tok: Tokenizer; padId: number } {
  const jsonPath = join(modelDir, 'tokenizer.json');
  const configPath = join(modelDir, 'tokenizer_config.json');
  let tokenizerJson: unknown;
  let config: Record<string, unknown> = {};
  try {
    tokenizerJson = JSON.parse(readFileSync(jsonPath, 'utf8'));
    if (existsSync(configPath)) config = JSON.parse(readFileSync(configPath, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new ModelFileError(`tokenizer unreadable: ${(err as Error).message} (in ${modelDir})`, jsonPath);
  }
  // transformers' per-model classes (BertTokenizer, XLMRobertaTokenizer, ...) add token type ids and
  // chat templates on top of this one; the ids of a text are the same.
  try {
    const tok = new Tokenizer(tokenizerJson as object, config);
    // As transformers reads it: pad_token (a string or {content}), else eos_token.
    const token = (key: string) => {
      const v = config[key];
      return typeof v === 'string' ? v : typeof (v as { content?: unknown })?.content === 'string' ? (v as { content: string }).content : undefined;
    };
    const pad = token('pad_token') ?? token('eos_token');
    return { tok, padId: (pad !== undefined ? tok.token_to_id(pad) : undefined) ?? 0 };
  } catch (err) {
    throw new ModelFileError(`tokenizer unusable: ${jsonPath} (${(err as Error).message})`, jsonPath);
  }
}

export async function loadTokenizer(modelDir = defaultModelDir()): Promise<ModelTokenizer> {
  const model = readSentenceModel(modelDir);
  verifyFiles(modelDir, model.manifest, TOKENIZER_FILES.filter((f) => existsSync(join(modelDir, f)) || model.manifest?.files[f]));
  const { tok, padId } = buildTokenizer(modelDir);
  return wrap(tok, padId, model.maxSeqLength, model.lowerCase);
}

export async function loadTokenCounter(modelDir = defaultModelDir()): Promise<TokenCounter> {
  return loadTokenizer(modelDir);
}

/** Make any JS string safe to tokenize: lone surrogates become U+FFFD (as Python's tokenizer would refuse them). */
export function wellFormed(text: string): string {
  return typeof text === 'string' ? text.toWellFormed() : String(text ?? '');
}

/** How many special tokens the tokenizer puts before and after a text ([CLS]…[SEP], <s>…</s>, or none). */
function specialsAround(encode: (t: string, special: boolean) => number[]): { before: number; after: number } {
  const probe = 'hello world';
  const bare = encode(probe, false);
  const full = encode(probe, true);
  for (let i = 0; i + bare.length <= full.length; i++) {
    if (bare.every((id, k) => full[i + k] === id)) return { before: i, after: full.length - i - bare.length };
  }
  return { before: 0, after: 0 };
}

function wrap(tok: Tokenizer, padId: number, maxSeqLength: number, lowerCase: boolean): ModelTokenizer {
  const encode = (text: string, special: boolean): number[] => tok.encode(lowerCase ? text.toLowerCase() : text, { add_special_tokens: special }).ids;
  const { before, after } = specialsAround(encode);
  const truncated = (text: string): number[] => {
    // A 1 MB string would be tokenized whole only to keep a few hundred pieces: tokenize growing
    // prefixes instead. The prefix ends at whitespace so no word is cut; if it already yields enough
    // pieces, the result equals tokenizing the whole text.
    let limit = FIRST_PREFIX_CHARS;
    for (;;) {
      if (text.length <= limit) return encode(text, true);
      let cut = text.lastIndexOf(' ', limit);
      if (cut < limit / 2) cut = limit;
      const ids = encode(text.slice(0, cut), true);
      if (ids.length >= maxSeqLength + 1) return ids;
      limit *= 4;
    }
  };
  // The chunker counts a passage's pieces, then asks for its ids: the encodings of the latest counts
  // are kept so a passage is tokenised once (issue 11). Bounded (oldest out first): the chunker's
  // binary searches count many spans that never become passages.
  const counted = new Map<string, number[]>();
  const known = (text: string): number[] | undefined => {
    const ids = counted.get(wellFormed(text));
    // A text that fits is its whole encoding, exactly what truncated() gives for it.
    return ids && ids.length <= maxSeqLength ? ids : undefined;
  };
  return {
    maxSeqLength,
    padId,
    countedIds: known,
    ids(text: string): number[] {
      const safe = wellFormed(text);
      const ids = known(safe) ?? truncated(safe);
      if (ids.length <= maxSeqLength) return ids;
      // Keep the leading specials and as many text pieces as fit, then the trailing specials.
      return [...ids.slice(0, maxSeqLength - after), ...ids.slice(ids.length - after)];
    },
    count(text: string): number {
      const safe = wellFormed(text);
      const ids = encode(safe, true);
      // Only texts that fit can be passages; a huge block counted before it is split is not kept.
      if (ids.length <= maxSeqLength) {
        counted.delete(safe);
        counted.set(safe, ids);
        if (counted.size > COUNTED_KEPT) counted.delete(counted.keys().next().value!);
      }
      return Math.max(0, ids.length - before - after);
    },
  };
}
