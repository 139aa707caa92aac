/**
 * Starts the engine for a host: the embedding process, the tokenizer that cuts passages, and the
 * service over them. The Electron main process does the same with a utility-process launcher.
 */
import { EmbedderProcess } from '../core/embed/embedder-process';
import type { WorkerLauncher } from '../core/embed/protocol';
import { loadTokenCounter } from '../core/embed/tokenizer';
import { createTroveService, type TroveService } from '../core/trove-service';

export interface OpenTroveOptions {
  /** Settings and index database live here. */
  dataDir: string;
  /** The model folder (default: the project's resources/models/all-MiniLM-L6-v2, or TROVE_MODEL_DIR). */
  modelDir?: string;
  /** How to start the embedding process (default: a Node child process). */
  launch?: WorkerLauncher;
}

export async function openTrove(options: OpenTroveOptions): Promise<TroveService> {
  const [embedder, tokenCounter] = await Promise.all([
    EmbedderProcess.start({ modelDir: options.modelDir, launch: options.launch }),
    loadTokenCounter(options.modelDir),
  ]);
  try {
    const service = await createTroveService({ dataDir: options.dataDir, embedder, tokenCounter });
    const close = service.close.bind(service);
    // The service does not own the embedder it was given: stop it when the service stops.
    return Object.assign(service, { close: async () => { await close(); await embedder.close(); } });
  } catch (err) {
    await embedder.close();
    throw err;
  }
}
