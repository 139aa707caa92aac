/**
 * A model must behave like a model before it may embed anything. sha256 checks catch a damaged file,
 * but not a swapped one whose manifest was re-hashed (issue 12: a corrupted graph gave 1.0000 for
 * unrelated sentences). So on load the engine encodes a few fixed pairs and refuses the model when
 * (a) a pair the manifest or the published figures give differs by more than the tolerance, or
 * (b) a paraphrase is not clearly closer than an unrelated sentence — true of every working model,
 * even one nobody measured.
 */
import type { ModelCheck } from './model-files';
import { cosSim } from './similarity';

/** Similarities sentence-transformers publishes (its quickstart) for the shipped model. */
export const PUBLISHED_CHECKS: Record<string, ModelCheck[]> = {
  'sentence-transformers/all-MiniLM-L6-v2': [
    { a: 'The weather is lovely today.', b: "It's so sunny outside!", similarity: 0.666 },
    { a: 'The weather is lovely today.', b: 'He drove to the stadium.', similarity: 0.1046 },
  ],
};

/** A paraphrase pair and an unrelated pair sharing the first sentence. */
const SANITY = {
  anchor: 'A man is playing a guitar.',
  paraphrase: 'A man plays the guitar.',
  unrelated: 'The stock market fell sharply after the announcement.',
};
/** How much closer the paraphrase must be, in cosine. Real models: 0.2–0.7; a broken one: ~0. */
const SANITY_MARGIN = 0.05;

/** The model failed its check on load. The message names the graph file. */
export class ModelRefusedError extends Error {
  override name = 'ModelRefusedError';
}

export interface CheckTarget {
  /** The graph file, named in the refusal. */
  file: string;
  /** Raw similarity as the model scores it (cosine or dot). */
  similarity: (a: Float32Array, b: Float32Array) => number;
  checks: ModelCheck[];
  tolerance: number;
}

/** Throws ModelRefusedError when the model fails. `encode` runs the model without any prompt. */
export async function checkModel(encode: (texts: string[]) => Promise<Float32Array[]>, target: CheckTarget): Promise<void> {
  const texts = [SANITY.anchor, SANITY.paraphrase, SANITY.unrelated, ...target.checks.flatMap((c) => [c.a, c.b])];
  const v = await encode(texts);
  if (v.some((x) => !x.every(Number.isFinite))) throw new ModelRefusedError(`model refused: ${target.file} gives vectors with NaN or infinite values`);
  const para = cosSim(v[0], v[1]);
  const unrelated = cosSim(v[0], v[2]);
  if (!(para > unrelated + SANITY_MARGIN)) {
    throw new ModelRefusedError(
      `model refused: ${target.file} scores unrelated sentences like paraphrases (cosine ${unrelated.toFixed(4)} for ` +
        `"${SANITY.anchor}" / "${SANITY.unrelated}" vs ${para.toFixed(4)} for a paraphrase); the file is damaged or not a sentence model`,
    );
  }
  target.checks.forEach((c, i) => {
    const got = target.similarity(v[3 + 2 * i], v[4 + 2 * i]);
    if (Math.abs(got - c.similarity) > target.tolerance) {
      throw new ModelRefusedError(
        `model refused: ${target.file} gives similarity ${got.toFixed(4)} for "${c.a}" / "${c.b}", ` +
          `expected ${c.similarity.toFixed(4)} ± ${target.tolerance}; the file is damaged or not this model`,
      );
    }
  });
}
