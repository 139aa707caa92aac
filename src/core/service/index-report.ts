/**
 * What a host may ask of the index besides the UI's API, for a command line's summary and status:
 * the totals of what this run's indexer did, and which model's vectors the index holds and how
 * sound its database is. Answered in the engine's process, so a host never opens the database.
 */
import type { TroveService } from '../trove-service';
import type { EngineParts } from './engine-parts';

export function indexReportMethods({ indexer, corpus }: Pick<EngineParts, 'indexer' | 'corpus'>): Pick<TroveService, 'indexTotals' | 'indexReport'> {
  return {
    indexTotals: async () => ({ ...indexer.totals }),
    indexReport: async () => ({
      indexModels: corpus.indexModels(),
      vectorSets: corpus.vectorSets(),
      integrity: corpus.integrityCheck(),
    }),
  };
}
