/**
 * The model's WordPiece tokenizer, loaded from the verified local folder with @huggingface/transformers
 * (no network: remote models are disabled). Truncation matches sentence-transformers: [CLS], the first
 * maxSeqLength − 2 pieces, [SEP].
 */
import { AutoTokenizer, env, type PreTrainedTokenizer } from '@huggingface/transformers';
import { basename, dirname } from 'node:path';
import { defaultModelDir, readManifest, TOKENIZER_FILES, verifyFiles } from './model-files';
import type { TokenCounter } from './types';

/** Longest prefix tokenized at first; enough for 256 pieces of any ordinary text. */
const FIRST_PREFIX_CHARS = 16_384;

export interface ModelTokenizer extends TokenCounter {
  /** Token ids with [CLS]/[SEP], truncated at maxSeqLength. */
  ids(text: string): number[];
  readonly maxSeqLength: number;
}

export async function loadTokenizer(modelDir = defaultModelDir()): Promise<ModelTokenizer> {
  const manifest = readManifest(modelDir);
  verifyFiles(modelDir, manifest, TOKENIZER_FILES);
  env.allowRemoteModels = false;
  env.allowLocalModels = true;
  env.localModelPath = dirname(modelDir) + '/';
  const tok = await AutoTokenizer.from_pretrained(basename(modelDir), { local_files_only: true });
  return wrap(tok, manifest.maxSeqLength);
}

export async function loadTokenCounter(modelDir = defaultModelDir()): Promise<TokenCounter> {
  return loadTokenizer(modelDir);
}

/** Make any JS string safe to tokenize: lone surrogates become U+FFFD (as Python's tokenizer would refuse them). */
export function wellFormed(text: string): string {
  return typeof text === 'string' ? text.toWellFormed() : String(text ?? '');
}

function wrap(tok: PreTrainedTokenizer, maxSeqLength: number): ModelTokenizer {
  const encode = (text: string): number[] => tok.encode(text, { add_special_tokens: true });
  const cls = encode('')[0];
  const sep = encode('').at(-1)!;
  const truncated = (text: string): number[] => {
    // A 1 MB string would be tokenized whole only to keep 256 pieces: tokenize growing prefixes instead.
    // The prefix ends at whitespace so no word is cut; if it already yields enough pieces, the result
    // equals tokenizing the whole text.
    let limit = FIRST_PREFIX_CHARS;
    for (;;) {
      if (text.length <= limit) return encode(text);
      let cut = text.lastIndexOf(' ', limit);
      if (cut < limit / 2) cut = limit;
      const ids = encode(text.slice(0, cut));
      if (ids.length >= maxSeqLength + 1) return ids;
      limit *= 4;
    }
  };
  return {
    maxSeqLength,
    ids(text: string): number[] {
      const ids = truncated(wellFormed(text));
      if (ids.length <= maxSeqLength) return ids;
      const out = ids.slice(0, maxSeqLength - 1);
      out.push(sep);
      if (out[0] !== cls) out[0] = cls;
      return out;
    },
    count(text: string): number {
      return Math.max(0, encode(wellFormed(text)).length - 2);
    },
  };
}
