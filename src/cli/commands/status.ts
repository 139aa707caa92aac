/** `status --db <file>`: folders, index size and problems of an index, as JSON. */
import { parseFlags, type Command } from '../command';
import { internals } from '../../core/service/create-service';
import { openCliService, requireDb } from './index';

const statusCommand: Command = async (args) => {
  const { flags } = parseFlags(args);
  const { service, embedder } = await openCliService(requireDb(flags), { reconcileOnStart: false, flags });
  try {
    const status = await service.status();
    const out = {
      folders: await service.listFolders(),
      filesIndexed: status.filesIndexed,
      chunksIndexed: status.chunksIndexed,
      problems: await service.problems(),
      model: await service.modelInfo(),
      // Which model made the vectors of the indexed files (more than one while a change of model is unfinished).
      indexModels: internals(service)
        .store.db.prepare(
          `SELECT es.model_id AS modelId, es.dimension, COUNT(f.id) AS files FROM files f JOIN embedding_sets es ON es.id = f.embedding_set_id
           WHERE f.state = 'indexed' GROUP BY es.id ORDER BY files DESC`,
        )
        .all(),
      integrity: internals(service).store.integrityCheck(),
    };
    process.stdout.write(JSON.stringify(out, null, 2) + '\n');
    return 0;
  } finally {
    await service.close();
    await embedder.close();
  }
};
export default statusCommand;
