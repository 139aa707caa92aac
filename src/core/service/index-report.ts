/**
 * What a host may ask of the index besides the UI's API, for a command line's summary and status:
 * the totals of what this run's indexer did, and which model's vectors the index holds and how
 * sound its database is. Answered in the engine's process, so a host never opens the database.
 */
import type { TroveService } from '../trove-service';
import type { EngineParts } from './engine-parts';

export function indexReportMethods({ indexer, store, corpus }: Pick<EngineParts, 'indexer' | 'store' | 'corpus'>): Pick<TroveService, 'indexTotals' | 'indexReport'> {
  return {
    indexTotals: async () => ({ ...indexer.totals }),
    indexReport: async () => ({
      indexModels: store.db
        .prepare(
          `SELECT es.model_id AS modelId, es.dimension, COUNT(f.id) AS files FROM files f JOIN embedding_sets es ON es.id = f.embedding_set_id
           WHERE f.state = 'indexed' GROUP BY es.id ORDER BY files DESC`,
        )
        .all() as Array<{ modelId: string; dimension: number; files: number }>,
      vectorSets: store.vectorSets().map((set) => ({ ...set, inUse: set.id === corpus.embeddingSetId })),
      integrity: store.integrityCheck(),
    }),
  };
}
