/** How the in-memory index stands: how it was filled at open, a load under way, its graph; and that as the status line shows it. */
import type { IndexProgress } from '../../shared/types';
import type { VectorIndexOptions } from '../vectors/vector-index';

export interface CorpusOptions extends Pick<VectorIndexOptions, 'graphFrom'> {
  /**
   * From this many stored passages, fill memory from SQLite (when the vector file cannot be used) a
   * page of files at a time between other work, searches answered from what is loaded so far; `ready`
   * resolves when it is complete. Below it, and by default, at once before `open` returns.
   */
  backgroundFrom?: number;
}

/** How the in-memory index was filled at open: from the saved vector file, or from SQLite (and why). */
export interface CorpusLoad {
  from: 'vector file' | 'database';
  /** Why the vector file was not used (absent, stale after a crash, damaged), when it was not. */
  reason?: string;
  seconds: number;
}

/** How search runs over the in-memory rows now: loading, the graph, how memory was filled. */
export interface SearchIndexState {
  passages: number;
  /** A load from SQLite under way in the background (searches answer from what is loaded). */
  loading: { done: number; total: number } | null;
  /** none: the exact scan answers; building: the scan answers while the graph is built; ready. */
  graph: 'none' | 'building' | 'ready';
  graphPassages: number;
  loaded: CorpusLoad;
}

/** A SearchIndexState as the status line shows it (IndexProgress.searchIndex). */
export function searchProgressOf(s: SearchIndexState): NonNullable<IndexProgress['searchIndex']> {
  if (s.loading) return { state: 'loading', done: s.loading.done, total: s.loading.total };
  if (s.graph === 'building') return { state: 'building', done: s.graphPassages, total: s.passages };
  return { state: 'ready', done: s.passages, total: s.passages };
}
