/** How an added or downloaded model is proven to run before it is installed. */
import type { WorkerLauncher } from '../embed/protocol';
import { readCrossEncoder } from '../embed/cross-encoder-model';
import { defaultModelDir, ModelFileError } from '../embed/model-files';

/** Starts the model in a real embedding process and encodes a text: proves the graph loads and runs. */
export type ModelValidator = (dir: string) => Promise<{ modelId: string; dimension: number }>;

/** Start the model in its own embedding process, encode one text, stop it. */
export const defaultValidator = async (dir: string, launch?: WorkerLauncher): Promise<{ modelId: string; dimension: number }> => {
  const { EmbedderProcess } = await import('../embed/embedder-process');
  const proc = await EmbedderProcess.start({ modelDir: dir, threads: 1, launch });
  try {
    await proc.warmup();
    const [v] = await proc.encode(['Trove checks that this model runs.']);
    if (v.length !== proc.dimension) throw new Error(`dimension mismatch: ${dir} gives ${v.length}, the pooling config says ${proc.dimension}`);
    return { modelId: proc.modelId, dimension: proc.dimension };
  } finally {
    await proc.close();
  }
};

/**
 * A re-ranker (cross-encoder) is proven the way searches use it: an embedding process (over the
 * shipped model, whose exact weights load only if asked, and are not) scores one (query, passage)
 * pair with it. A graph that fails to load, gives no single score or gives NaN is refused, naming the
 * file. `dimension` is 1: one score per pair.
 */
export const rerankerValidator = async (dir: string, launch?: WorkerLauncher): Promise<{ modelId: string; dimension: number }> => {
  const model = readCrossEncoder(dir);
  const { EmbedderProcess } = await import('../embed/embedder-process');
  const proc = await EmbedderProcess.start({ modelDir: defaultModelDir(), variant: 'fp32', threads: 1, launch });
  try {
    const scores = await proc.scorePairs(dir, 'How does Trove check a re-ranker?', ['Trove scores one question and passage with the re-ranker before adding it.']);
    if (scores.length !== 1 || !Number.isFinite(scores[0])) {
      const graph = `${dir}/${model.onnxFile}`;
      throw new ModelFileError(`the re-ranker ${graph} gives ${scores.length === 1 ? scores[0] : `${scores.length} scores`} for one pair, not one number`, graph);
    }
    return { modelId: model.id, dimension: 1 };
  } finally {
    await proc.close();
  }
};
