/**
 * The parts one TroveService is made of, built once by createTroveService and handed to each concern
 * (folders, search and preview, progress, lifecycle), which turns them into its methods of the API.
 */
import type { EventEmitter } from 'node:events';
import type { Corpus } from '../corpus/corpus';
import type { ExtractorRegistry } from '../extract/extractors';
import type { Indexer } from '../indexer/indexer';
import type { FileSearch } from '../search/search';
import type { SettingsFile } from '../settings';
import type { TroveServiceOptions } from '../trove-service';
import type { FolderSources } from './folder-sources';
import type { ProgressReporter } from './progress-reporter';

export interface EngineParts {
  options: TroveServiceOptions;
  settings: SettingsFile;
  /** 'progress' and 'indexChanged', to every listener the host subscribed. */
  events: EventEmitter;
  /** The one way to the index: its rows, passages, vectors and counts. */
  corpus: Corpus;
  fileSearch: FileSearch;
  extractors: ExtractorRegistry;
  indexer: Indexer;
  folders: FolderSources;
  progress: ProgressReporter;
}

/** Tell every window its results may have changed. */
export function announceIndexChanged(parts: Pick<EngineParts, 'events'>): void {
  parts.events.emit('indexChanged', { at: Date.now() });
}
