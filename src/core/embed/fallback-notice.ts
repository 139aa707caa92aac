/**
 * What a person is told when a model's chosen weights were refused on load and its exact weights are
 * used instead (variant-fallback.ts). Kept apart from the engine so that the engine process can word
 * the notice without loading onnxruntime.
 */
import { modelDisplayName } from '../../shared/model-name';

/** The weights chosen were refused; the exact ones are used instead. */
export interface VariantFallback {
  /** The variant refused, e.g. "int8". */
  from: string;
  /** The variant used instead ("fp32"). */
  to: string;
  /** Why the first was refused (names the graph file). */
  reason: string;
}

/** One sentence for people: which weights were refused and what is used instead. */
export function describeFallback(modelId: string, f: VariantFallback): string {
  return `the ${f.from} weights of ${modelDisplayName(modelId)} failed their check on this computer, so its exact ${f.to} weights are used instead (${f.reason})`;
}
