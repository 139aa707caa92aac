/**
 * `status --db <file>`: folders, index size and problems of an index, which model answers, the
 * vectors kept per model (switching back to a complete set embeds nothing) and each question bank's
 * model, as JSON.
 */
import { defaultDataDir } from '../../core/questions/app-data-dir';
import { bankSummaries } from '../../core/questions/bank-store';
import type { Command } from '../command';
import { modelLibrary } from '../model-choice';
import { openCliService, requireDb } from './index';

const statusCommand: Command = async ({ flags }) => {
  const service = await openCliService(requireDb(flags), { reconcileOnStart: false, flags });
  try {
    const status = await service.status();
    const report = await service.indexReport();
    const out = {
      folders: await service.listFolders(),
      filesIndexed: status.filesIndexed,
      chunksIndexed: status.chunksIndexed,
      problems: await service.problems(),
      model: await service.modelInfo(),
      // Which model made the vectors of the indexed files, every model's vectors kept, the database's soundness.
      indexModels: report.indexModels,
      vectorSets: report.vectorSets,
      banks: bankSummaries(flags.get('data') ?? defaultDataDir()),
      // A change of the app's model stopped midway (continued at its next start).
      switching: modelLibrary().pendingSwitch,
      integrity: report.integrity,
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  } finally {
    await service.close();
  }
};

export default statusCommand;
