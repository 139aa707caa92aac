/** Wires store, in-memory index, indexer, folders and search into one TroveService. */
import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { readFile, realpath, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { EventName, TroveEvents } from '../../shared/api';
import type { IndexProgress, Preview, SearchQuery, Settings, SimilarQuery } from '../../shared/types';
import { ExtractorRegistry } from '../extract/extractors';
import { Indexer } from '../indexer/indexer';
import { PIPELINE_VERSION } from '../pipeline';
import { FileSearch } from '../search/search';
import { SettingsFile } from '../settings';
import { isWithin, overlapping } from '../sources/folder-paths';
import { fileType, FolderRules } from '../sources/folder-rules';
import { IndexStore } from '../store/index-store';
import { Corpus } from '../corpus/corpus';
import { DesktopOnlyError, type TroveListener, type TroveService, type TroveServiceOptions } from '../trove-service';
import { broadFolder, ConfirmationNeededError, describeEstimate, estimateFolder } from './folder-estimate';
import { FolderSources } from './folder-sources';
import { openAction } from './open-policy';
import { FolderOverlapError, NotFoundError, NotIndexedError, OutsideFoldersError } from './path-errors';

const PROGRESS_INTERVAL_MS = 200;
const MISSING_CHECK_MS = 10_000;
const PREVIEW_CONTEXT_CHARS = 600;
/** Longest passage a preview shows: a caller's huge `end` gets a window, not the whole file. */
const PREVIEW_MAX_PASSAGE_CHARS = 5000;

export async function createTroveService(options: TroveServiceOptions): Promise<TroveService> {
  mkdirSync(options.dataDir, { recursive: true });
  const { embedder, tokenCounter } = options;
  const settings = new SettingsFile(options.dataDir);
  const events = new EventEmitter();
  // One listener per open window or event-stream client: more than Node's default 10 is normal, not a leak.
  events.setMaxListeners(0);
  const store = new IndexStore(options.dbPath ?? join(options.dataDir, 'index.sqlite'));
  const corpus = Corpus.open(store, { modelId: embedder.modelId, dimension: embedder.dimension, pipelineVersion: PIPELINE_VERSION });
  const fileSearch = new FileSearch(corpus, embedder, () => settings.get().fileTypes);

  let lastProgressAt = 0;
  let progressTimer: NodeJS.Timeout | null = null;
  let lastState: IndexProgress['state'] = 'idle';
  const emitProgress = () => {
    progressTimer = null;
    lastProgressAt = Date.now();
    const p = progress();
    lastState = p.state;
    events.emit('progress', p);
  };
  let closed = false;
  const onProgress = () => {
    if (progressTimer || closed) return;
    const wait = PROGRESS_INTERVAL_MS - (Date.now() - lastProgressAt);
    // A change of state (e.g. indexing → idle) is sent at once; ordinary progress at most 5 times a second.
    if (wait <= 0 || currentState() !== lastState) emitProgress();
    else progressTimer = setTimeout(emitProgress, wait);
  };

  const extractors = new ExtractorRegistry();
  const indexer = new Indexer({
    corpus,
    embedder,
    counter: tokenCounter,
    extractors,
    maxFileBytes: () => settings.get().maxFileSizeMb * 1024 * 1024,
    onProgress,
    onIndexChanged: () => events.emit('indexChanged', { at: Date.now() }),
  });
  const folders = new FolderSources({
    corpus,
    indexer,
    settings: () => settings.get(),
    watch: options.watch ?? true,
    debounceMs: options.debounceMs ?? 150,
    onChange: onProgress,
  });

  function currentState(): IndexProgress['state'] {
    if (indexer.isPaused) return 'paused';
    if (folders.scanning > 0) return 'scanning';
    return indexer.busy || indexer.queued > 0 ? 'indexing' : 'idle';
  }

  function progress(): IndexProgress {
    const counts = store.counts(corpus.embeddingSetId);
    const state = currentState();
    const active = state !== 'idle';
    const filesTotal = active ? Math.max(indexer.filesTotal, indexer.meter.filesDone) : 0;
    return {
      state,
      filesDone: active ? indexer.meter.filesDone : 0,
      filesTotal,
      chunksDone: active ? indexer.meter.chunksDone : 0,
      chunksPerSecond: active && indexer.busy ? indexer.meter.chunksPerSecond() : 0,
      etaSeconds: active && indexer.busy ? indexer.meter.etaSeconds(filesTotal - indexer.meter.filesDone) : null,
      currentFile: indexer.currentFile,
      currentFileProgress: indexer.currentFileProgress,
      filesIndexed: counts.files,
      chunksIndexed: counts.chunks,
      problems: counts.problems,
      model: corpus.modelId,
      modelSwitch: options.modelSwitch?.() ?? null,
    };
  }

  /**
   * The indexed file a caller names, checked: it has a row in the index (indexed, or for `reveal` also
   * listed as a problem), it lies in an indexed folder, and its real path (links resolved) does too.
   */
  async function indexedFile(given: string, allowProblems: boolean) {
    const path = resolve(given); // "docs/../../etc/passwd" is judged as the path it names
    let real: string;
    try {
      real = await realpath(path);
    } catch {
      throw new NotFoundError(`${path} does not exist`);
    }
    const folder = folders.containing(path);
    if (!folder || path === folder.row.path) throw new OutsideFoldersError(`${path} is not inside an indexed folder`);
    // Links are indexed only while they stay inside their folder (classify-entry); check again, the link may have changed.
    if (!isWithin(real, folder.row.path)) throw new OutsideFoldersError(`${path} leads outside the indexed folder ${folder.row.path}`);
    const row = store.fileByPath(path);
    if (!row || (row.state !== 'indexed' && !allowProblems)) throw new NotIndexedError(`${path} is not in the index`);
    return { row, real };
  }

  const missingTimer = setInterval(() => void folders.checkMissing(), MISSING_CHECK_MS);
  missingTimer.unref();
  // Reconcile stored folders with the disk in the background; searches work from the loaded index meanwhile.
  const startup = Promise.all(store.folders().map((row) => folders.open(row, options.reconcileOnStart ?? true)));

  async function readableFolder(path: string): Promise<string> {
    try {
      const real = await realpath(path);
      if ((await stat(real)).isDirectory()) return real;
    } catch {
      // reported below
    }
    throw new NotFoundError(`${path} is not a folder that Trove can read`);
  }

  const service: TroveService = {
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
      events.emit('indexChanged', { at: Date.now() });
      onProgress();
      return folders.list();
    },
    pickFolder: async () => null,
    status: async () => progress(),
    async pause() {
      indexer.pause();
      return progress();
    },
    async resume() {
      indexer.resume();
      return progress();
    },
    search: (query: SearchQuery) => fileSearch.search(query, store.folders()),
    async similarTo(query: SimilarQuery) {
      const { row } = await indexedFile(query.path, false);
      return fileSearch.similarTo(query, store.folders(), row);
    },
    async preview(path, start, end): Promise<Preview> {
      const { row, real } = await indexedFile(path, false);
      let text: string;
      let location: string | null = null;
      const chunk = store.chunksOfFile(row.id).find((c) => c.start <= start && c.end >= end) ?? null;
      try {
        const doc = await (extractors.forType(fileType(real)) ?? extractors.forType('txt')!).extract(await readFile(real), fileType(real));
        text = doc.text;
      } catch {
        if (!chunk) throw new NotFoundError(`${path} can no longer be read`);
        text = ' '.repeat(chunk.start) + chunk.text; // the file changed or vanished: show what was indexed
      }
      location = chunk?.location ?? null;
      const s = Math.min(start, text.length);
      const e = Math.min(Math.max(end, s), text.length, s + PREVIEW_MAX_PASSAGE_CHARS);
      const from = Math.max(0, s - PREVIEW_CONTEXT_CHARS);
      const to = Math.min(text.length, e + PREVIEW_CONTEXT_CHARS);
      return { path: row.path, text: text.slice(from, to), textStart: from, passage: { start: s - from, end: e - from }, location };
    },
    problems: async () => store.problems(),
    getSettings: async () => settings.get(),
    async setSettings(patch: Partial<Settings>) {
      const before = settings.get();
      const after = settings.update(patch);
      const rescan = ['ignorePatterns', 'fileTypes', 'maxFileSizeMb'] as const;
      if (rescan.some((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k]))) void folders.rescanAll();
      return after;
    },
    modelInfo: async () => ({
      id: embedder.modelId,
      dimension: embedder.dimension,
      variant: (embedder as { variant?: string }).variant ?? 'unknown',
      maxSeqLength: embedder.maxSeqLength,
      ready: true,
    }),
    openFile: () => Promise.reject(new DesktopOnlyError('opening files works only in the desktop app')),
    revealFile: () => Promise.reject(new DesktopOnlyError('showing files in the file manager works only in the desktop app')),
    on<E extends EventName>(event: E, listener: TroveListener<E>) {
      const l = listener as (p: TroveEvents[E]) => void;
      events.on(event, l);
      return () => void events.off(event, l);
    },
    async resolveForDesktop(path, wanted) {
      const { real } = await indexedFile(path, wanted === 'reveal');
      return { path: real, action: wanted === 'reveal' ? 'reveal' : await openAction(real) };
    },
    async whenIdle() {
      await startup;
      // Scans queue work as they go: wait until no scan is running and the queue is empty.
      for (;;) {
        await indexer.whenIdle();
        if (folders.scanning === 0 && folders.applyingBatches === 0 && indexer.queued === 0 && !indexer.busy) return;
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    async close() {
      if (closed) return;
      clearInterval(missingTimer);
      await startup.catch(() => {});
      await folders.closeAll();
      await indexer.stop();
      closed = true;
      if (progressTimer) clearTimeout(progressTimer);
      corpus.close();
      store.close();
    },
  };
  Object.defineProperty(service, 'indexer', { value: indexer, enumerable: false });
  Object.defineProperty(service, 'store', { value: store, enumerable: false });
  Object.defineProperty(service, 'corpus', { value: corpus, enumerable: false });
  Object.defineProperty(service, 'fileSearch', { value: fileSearch, enumerable: false });
  Object.defineProperty(service, 'announceIndexChanged', { value: () => events.emit('indexChanged', { at: Date.now() }), enumerable: false });
  return service;
}

/** Internals for the CLI summary, benchmarks and tests: totals of what the indexer did, the store and the corpus. */
export function internals(service: TroveService): {
  indexer: Indexer;
  store: IndexStore;
  corpus: Corpus;
  fileSearch: FileSearch;
  /** Tell windows their results changed (the model changed over under them). */
  announceIndexChanged: () => void;
} {
  const s = service as unknown as ReturnType<typeof internals>;
  return { indexer: s.indexer, store: s.store, corpus: s.corpus, fileSearch: s.fileSearch, announceIndexChanged: s.announceIndexChanged };
}
