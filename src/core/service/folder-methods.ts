/** The indexed folders as the API offers them: list, estimate, add (refusing overlaps and, unconfirmed, whole drives), remove. */
import { realpath } from 'node:fs/promises';
import { overlapping } from '../sources/folder-paths';
import { FolderRules } from '../sources/folder-rules';
import type { TroveService } from '../trove-service';
import { announceIndexChanged, type EngineParts } from './engine-parts';
import { broadFolder, ConfirmationNeededError, describeEstimate, estimateFolder } from './folder-estimate';
import { readableFolder } from './indexed-file';
import { FolderOverlapError, NotFoundError } from '../../shared/path-errors';

export function folderMethods(parts: EngineParts): Pick<TroveService, 'listFolders' | 'estimateFolder' | 'addFolder' | 'removeFolder' | 'pickFolder'> {
  const { folders, settings, corpus, indexer, progress } = parts;
  return {
    listFolders: async () => folders.list(),
    async estimateFolder(path) {
      const real = await readableFolder(path);
      return estimateFolder(real, new FolderRules(real, settings.get()));
    },
    async addFolder(path, options = {}) {
      const real = await readableFolder(path);
      const overlap = overlapping(real, folders.byPath.keys());
      if (overlap === real) return folders.list();
      if (overlap) throw new FolderOverlapError(`${path} overlaps the indexed folder ${overlap}; remove that one first`);
      if (!options.confirmBroad && (await broadFolder(real))) {
        const estimate = await estimateFolder(real, new FolderRules(real, settings.get()));
        throw new ConfirmationNeededError(`${describeEstimate(estimate)}; confirm to index it anyway`);
      }
      await folders.open(corpus.addFolder(real));
      return folders.list();
    },
    async removeFolder(path) {
      const real = folders.byPath.has(path) ? path : await realpath(path).catch(() => path);
      if (!folders.byPath.has(real)) throw new NotFoundError(`${path} is not an indexed folder`);
      await folders.close(real);
      indexer.forget(real);
      corpus.removeFolder(real);
      announceIndexChanged(parts);
      progress.changed();
      return folders.list();
    },
    // A folder picker needs a desktop shell: hosts that have one answer this themselves.
    pickFolder: async () => null,
  };
}
