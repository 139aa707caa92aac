/** How an added or downloaded model is proven to run before it is installed. */
import type { WorkerLauncher } from '../embed/protocol';

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
