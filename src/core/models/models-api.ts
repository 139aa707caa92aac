/**
 * The model manager behind the UI's API (ModelsApi): a thin layer over ModelLibrary that turns each
 * call into the overview the Settings panel shows. Switching takes effect when the engine next starts
 * (the index keeps each model's vectors apart; switching in the background is issue 10 item 3).
 */
import type { ModelsApi, ModelsOverview } from '../../shared/models';
import type { ModelLibrary } from './model-library';

export function createModelsApi(library: ModelLibrary, validate: (dir: string) => Promise<unknown>): ModelsApi {
  const overview = async (): Promise<ModelsOverview> => library.overview();
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
      // Prove the model runs before it is chosen: a broken one must not replace a working one.
      await validate(library.resolve(name));
      library.use(name);
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
