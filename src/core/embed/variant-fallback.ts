/**
 * Never an empty index because of a quantised model's check. A quantised graph's numbers depend on the
 * CPU's kernels (issue 19: an int8 file made on an AVX2 machine was refused on an AVX-512 VNNI one and
 * nothing got indexed). So when the weights chosen are quantised and refused on load, and the model
 * has exact (fp32) weights, the engine embeds with those instead and says so once, in every place a
 * person looks (status line, Settings, CLI stderr, status JSON). The fp32 weights' own check still
 * stands: a model whose every variant fails is refused before any file is read (Indexer.modelReady).
 */
import { join } from 'node:path';
import { EmbeddingEngine, type EngineOptions } from './engine';
import { EXACT_VARIANT, ModelFileError } from './model-files';
import { ModelRefusedError } from './model-check';
import type { VariantFallback } from './fallback-notice';

export type { VariantFallback };

/**
 * The engine for `options`, its quantised weights loaded and checked now (not on first use) so that a
 * refusal can still change which weights — and so which vector set — the caller gets. Errors that
 * are not about the quantised graph itself (a damaged tokenizer, a bad folder) are left to the first
 * use, as for any engine: falling back would not help, and the message there names the file.
 */
export async function openEngineWithFallback(options: EngineOptions): Promise<{ engine: EmbeddingEngine; fallback: VariantFallback | null }> {
  const engine = EmbeddingEngine.create(options);
  const { manifest, dir, onnxFile } = engine.model;
  if (engine.variant === EXACT_VARIANT || options.skipCheck || !manifest?.variants?.[EXACT_VARIANT]) return { engine, fallback: null };
  try {
    await engine.warmup();
    return { engine, fallback: null };
  } catch (err) {
    const aboutGraph = err instanceof ModelRefusedError || (err instanceof ModelFileError && err.path === join(dir, onnxFile));
    if (!aboutGraph) return { engine, fallback: null };
    await engine.close();
    const exact = EmbeddingEngine.create({ ...options, variant: EXACT_VARIANT });
    return { engine: exact, fallback: { from: engine.variant, to: exact.variant, reason: (err as Error).message } };
  }
}
