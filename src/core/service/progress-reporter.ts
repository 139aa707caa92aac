/**
 * Indexing progress as the user sees it: one IndexProgress made from the indexer, the folder scans
 * and the store's counts, sent as a 'progress' event at most five times a second (a change of state,
 * say indexing → idle, at once), and the pause and resume that change it.
 */
import type { EventEmitter } from 'node:events';
import type { Corpus } from '../corpus/corpus';
import { searchProgressOf } from '../corpus/search-index-state';
import type { Indexer } from '../indexer/indexer';
import type { TroveService, TroveServiceOptions } from '../trove-service';
import type { IndexProgress } from '../../shared/types';
import type { FolderSources } from './folder-sources';

const PROGRESS_INTERVAL_MS = 200;
const SEARCH_INDEX_POLL_MS = 1000;

export interface ProgressSources {
  corpus: Corpus;
  indexer: Indexer;
  folders: FolderSources;
  events: EventEmitter;
  modelSwitch: TroveServiceOptions['modelSwitch'];
  /** The sentence saying the model's chosen weights were refused and its exact ones are used (or null). */
  modelNotice?: () => string | null;
}

export class ProgressReporter {
  private lastAt = 0;
  private timer: NodeJS.Timeout | null = null;
  private lastState: IndexProgress['state'] = 'idle';
  private stopped = false;
  private sources: ProgressSources | null = null;

  /** The indexer and the folders report to this reporter, which reads them: they are given once all exist. */
  attach(sources: ProgressSources): void {
    this.sources = sources;
  }

  /** Something changed: send progress now or within PROGRESS_INTERVAL_MS. */
  readonly changed = (): void => {
    if (this.timer || this.stopped || !this.sources) return;
    const wait = PROGRESS_INTERVAL_MS - (Date.now() - this.lastAt);
    if (wait <= 0 || this.state() !== this.lastState) this.emit();
    else this.timer = setTimeout(() => this.emit(), wait);
  };

  private emit(): void {
    this.timer = null;
    this.lastAt = Date.now();
    const p = this.now();
    this.lastState = p.state;
    this.sources!.events.emit('progress', p);
    // Loading the index or building its graph reports nothing by itself: look again in a second.
    if (p.searchIndex?.state !== 'ready' && !this.stopped) {
      this.timer = setTimeout(() => this.emit(), SEARCH_INDEX_POLL_MS);
      this.timer.unref();
    }
  }

  private state(): IndexProgress['state'] {
    const { indexer, folders } = this.sources!;
    if (indexer.isPaused) return 'paused';
    if (folders.scanning > 0) return 'scanning';
    return indexer.busy || indexer.queued > 0 ? 'indexing' : 'idle';
  }

  /** Progress as it is now. */
  now(): IndexProgress {
    const { corpus, indexer, modelSwitch } = this.sources!;
    // Kept by the corpus until its next write: a progress event runs no COUNT(*).
    const counts = corpus.counts();
    const state = this.state();
    const active = state !== 'idle';
    const { meter } = indexer;
    const filesTotal = active ? Math.max(indexer.filesTotal, meter.filesDone) : 0;
    return {
      state,
      filesDone: active ? meter.filesDone : 0,
      filesTotal,
      chunksDone: active ? meter.chunksDone : 0,
      chunksPerSecond: active && indexer.busy ? meter.chunksPerSecond() : 0,
      etaSeconds: active && indexer.busy ? meter.etaSeconds(filesTotal - meter.filesDone) : null,
      currentFile: indexer.currentFile,
      currentFileProgress: indexer.currentFileProgress,
      filesIndexed: counts.files,
      chunksIndexed: counts.chunks,
      problems: counts.problems,
      model: corpus.modelId,
      modelSwitch: modelSwitch?.() ?? null,
      searchIndex: searchProgressOf(corpus.searchIndex),
      modelProblem: indexer.modelProblem,
      modelNotice: this.sources!.modelNotice?.() ?? null,
    };
  }

  /** No more events (the service is closing). */
  stop(): void {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }

  /** status, pause and resume of the API. */
  methods(): Pick<TroveService, 'status' | 'pause' | 'resume'> {
    const { indexer } = this.sources!;
    return {
      status: async () => this.now(),
      pause: async () => {
        indexer.pause();
        return this.now();
      },
      resume: async () => {
        indexer.resume();
        return this.now();
      },
    };
  }
}
