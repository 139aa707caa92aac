/**
 * Wires store, in-memory index, indexer, folders and search into one TroveService: builds the parts
 * once and joins the methods each concern makes of them (folders, reading, progress, desktop,
 * lifecycle, the report for a command line; settings and the model here, being a few lines each).
 */
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { EventName, TroveEvents } from '../../shared/api';
import type { DeviceInUse, ModelInfo, Settings } from '../../shared/types';
import { Corpus } from '../corpus/corpus';
import { ExtractorRegistry } from '../extract/extractors';
import { Indexer } from '../indexer/indexer';
import { PIPELINE_VERSION } from '../pipeline';
import { FileSearch } from '../search/search';
import { SettingsFile } from '../settings';
import type { TroveListener, TroveService, TroveServiceOptions } from '../trove-service';
import { desktopMethods } from './desktop-methods';
import { announceIndexChanged, type EngineParts } from './engine-parts';
import { folderMethods } from './folder-methods';
import { FolderSources } from './folder-sources';
import { indexReportMethods } from './index-report';
import { lifecycleMethods } from './lifecycle';
import { ProgressReporter } from './progress-reporter';
import { describeFallback, type VariantFallback } from '../embed/fallback-notice';
import { onCpu } from '../embed/device';
import { readingMethods } from './reading-methods';

/** Passages from which the index is loaded from SQLite in the background (≈ 1 s of work at once below it). */
const BACKGROUND_LOAD_FROM = 50_000;

/** The engine over a data folder: its service (folders, indexing, watching, search) and the parts behind it. */
export async function createTroveEngine(options: TroveServiceOptions): Promise<TroveEngine> {
  mkdirSync(options.dataDir, { recursive: true });
  const { embedder, tokenCounter } = options;
  const settings = new SettingsFile(options.dataDir);
  // One listener per open window or event-stream client: more than Node's default 10 is normal, not a leak.
  const events = new EventEmitter().setMaxListeners(0);
  // A big index whose vector file is out of date (a crash) is read back from SQLite between other work:
  // searches answer from what is loaded, and the status line says so (ProgressReporter).
  const corpus = Corpus.openFile(options.dbPath ?? join(options.dataDir, 'index.sqlite'), { modelId: embedder.modelId, dimension: embedder.dimension, pipelineVersion: PIPELINE_VERSION }, { backgroundFrom: options.backgroundLoadFrom ?? BACKGROUND_LOAD_FROM });
  // The chosen re-ranker, looked up each search: removed or damaged since it was chosen, searches say so.
  const rerankSettings = {
    choice: () => {
      const name = settings.get().reranker;
      return name ? (options.reranker?.(name) ?? null) : null;
    },
    byDefault: () => settings.get().rerank,
  };
  const fileSearch = new FileSearch(corpus, embedder, () => settings.get().fileTypes, rerankSettings);
  const progress = new ProgressReporter();
  const extractors = new ExtractorRegistry();
  const indexer = new Indexer({
    corpus,
    embedder,
    counter: tokenCounter,
    extractors,
    maxFileBytes: () => settings.get().maxFileSizeMb * 1024 * 1024,
    onProgress: progress.changed,
    onIndexChanged: () => announceIndexChanged({ events }),
  });
  const folders = new FolderSources({
    corpus,
    indexer,
    settings: () => settings.get(),
    watch: options.watch ?? true,
    debounceMs: options.debounceMs ?? 150,
    onChange: progress.changed,
  });
  const modelNotice = () => {
    const fallback = (embedder as { fallback?: VariantFallback | null }).fallback;
    const device = (embedder as { device?: DeviceInUse }).device;
    const notices = [fallback ? describeFallback(embedder.modelId, fallback) : null, device?.notice ?? null].filter(Boolean);
    return notices.length ? notices.join('; ') : null;
  };
  progress.attach({ corpus, indexer, folders, events, modelSwitch: options.modelSwitch, modelNotice });
  progress.changed(); // a load or graph build under way from the start is reported from the start
  const parts: EngineParts = { options, settings, events, corpus, fileSearch, extractors, indexer, folders, progress };

  const service: TroveService = {
    ...folderMethods(parts),
    ...readingMethods(parts),
    ...progress.methods(),
    ...desktopMethods(parts),
    ...indexReportMethods(parts),
    getSettings: async () => settings.get(),
    async setSettings(patch: Partial<Settings>) {
      const before = settings.get();
      // A re-ranker is chosen by name: one that is not installed (or is not a re-ranker) is refused here,
      // with what is installed, instead of failing every search after.
      if (patch.reranker) {
        if (!options.reranker) throw new Error('re-rankers are not available here (no model library)');
        options.reranker(patch.reranker, true);
      }
      const after = settings.update(patch);
      const rescan = ['ignorePatterns', 'fileTypes', 'maxFileSizeMb'] as const;
      if (rescan.some((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))) void folders.rescanAll();
      return after;
    },
    problems: async () => corpus.problems(),
    modelInfo: async () => ({
      id: embedder.modelId,
      dimension: embedder.dimension,
      variant: (embedder as { variant?: string }).variant ?? 'unknown',
      maxSeqLength: embedder.maxSeqLength,
      ready: true,
      fallback: (embedder as { fallback?: ModelInfo['fallback'] }).fallback ?? null,
      device: (embedder as { device?: DeviceInUse }).device ?? onCpu(),
    }),
    on<E extends EventName>(event: E, listener: TroveListener<E>) {
      const l = listener as (p: TroveEvents[E]) => void;
      events.on(event, l);
      return () => void events.off(event, l);
    },
    ...lifecycleMethods(parts),
  };
  return { service, corpus, indexer, fileSearch, announceIndexChanged: () => announceIndexChanged(parts) };
}

/** The folders-and-search service over a data folder (see createTroveEngine for its parts). */
export async function createTroveService(options: TroveServiceOptions): Promise<TroveService> {
  return (await createTroveEngine(options)).service;
}

/**
 * The service and the parts that tools built on the engine reach beyond the API: the model manager
 * (the corpus it changes over, the event it announces), the CLI summary and benchmarks (the indexer's
 * totals, the corpus), evaluation (the search's fusion) and tests.
 */
export interface TroveEngine {
  service: TroveService;
  corpus: Corpus;
  indexer: Indexer;
  fileSearch: FileSearch;
  /** Tell windows their results changed (the model changed over under them). */
  announceIndexChanged: () => void;
}
