/**
 * The embedding process for a CLI command that embeds without an index (similarity, encode, eval,
 * questions): started on the model and device chosen (model-choice.ts), with what a person must know
 * said once on stderr — weights refused on this CPU, or a graphics processor asked for and not used.
 */
import { EmbedderProcess, type EmbedderProcessOptions } from '../core/embed/embedder-process';
import { describeFallback } from '../core/embed/fallback-notice';

export async function startEmbedder(options: EmbedderProcessOptions): Promise<EmbedderProcess> {
  const embedder = await EmbedderProcess.start(options);
  if (embedder.fallback) process.stderr.write(`note: ${describeFallback(embedder.modelId, embedder.fallback)}\n`);
  if (embedder.device.notice) process.stderr.write(`note: ${embedder.device.notice}\n`);
  return embedder;
}
