/**
 * The model manager behind the UI's API (ModelsApi): a thin layer over ModelLibrary that turns each
 * call into the overview the Settings panel shows. Choosing a model for an existing index re-embeds
 * its stored passages in the background (core/corpus/reembed) with the new model in its own embedding
 * process; the running engine keeps answering with the current model, and the new one is used from
 * the next start, once every passage has its new vector.
 */
import { existsSync } from 'node:fs';
import type { ModelSwitch, ModelsApi, ModelsOverview } from '../../shared/models';
import { reembedIndex } from '../corpus/reembed';
import type { Embedder } from '../embed/types';
import type { ModelLibrary } from './model-library';

export interface ModelsApiOptions {
  /** Proves a model folder runs before it is chosen. */
  validate: (dir: string) => Promise<unknown>;
  /** The index whose passages follow the chosen model (none: the choice applies at once). */
  dbPath?: string;
  /** Starts an embedder for a model folder and variant (an embedding process in the app). */
  startEmbedder?: (dir: string, variant?: string) => Promise<Embedder>;
}

export function createModelsApi(library: ModelLibrary, options: ModelsApiOptions): ModelsApi {
  let switching: ModelSwitch | null = null;
  const overview = async (): Promise<ModelsOverview> => ({ ...library.overview(), switching: switching && { ...switching } });

  async function moveIndex(name: string, dir: string, variant: string | undefined): Promise<void> {
    const state: ModelSwitch = { to: name, state: 'embedding', done: 0, total: 0, passagesPerSecond: 0, etaSeconds: null };
    switching = state;
    let embedder: Embedder | null = null;
    try {
      embedder = await options.startEmbedder!(dir, variant);
      await reembedIndex(options.dbPath!, embedder, { onProgress: (p) => Object.assign(state, p) });
      library.use(name);
      state.state = 'done';
    } catch (err) {
      state.state = 'failed';
      state.error = (err as Error).message;
    } finally {
      await embedder?.close();
    }
  }

  return {
    listModels: overview,
    async downloadModel(name) {
      library.startDownload(name);
      return overview();
    },
    async cancelModelDownload(name) {
      await library.cancelDownload(name);
      return overview();
    },
    async useModel(name) {
      if (switching?.state === 'embedding') throw new Error(`the index is still moving to ${switching.to}; wait for it to finish`);
      // "name@exact" / "name@int8" choose the weights too; a variant's vectors are re-embedded like another model's.
      const { dir, variant } = library.resolveChoice(name);
      // Prove the model runs before it is chosen: a broken one must not replace a working one.
      await options.validate(dir);
      if (options.dbPath && options.startEmbedder && existsSync(options.dbPath)) void moveIndex(name, dir, variant);
      else library.use(name);
      return overview();
    },
    async removeModel(name) {
      library.remove(name);
      return overview();
    },
    async addModelFolder(path) {
      await library.add(path);
      return overview();
    },
    async setModelEndpoint(url) {
      library.setEndpoint(url);
      return overview();
    },
  };
}
