/**
 * The engine behind every host (Electron main, web host, CLI): folders, indexing, watching, search.
 * Plain Node, no electron. This module is the contract only; service/create-service.ts builds it
 * (and imports it: the interface lives below its implementation, so they form no circle).
 */
import type { EventName, TroveApi, TroveEvents } from '../shared/api';
import type { IndexProgress } from '../shared/types';
import type { Embedder, TokenCounter } from './embed/types';
import type { IndexTotals } from './indexer/progress-meter';
import type { VectorSetSummary } from './store/index-store';
import type { RerankerChoice } from './search/rerank';

export interface TroveServiceOptions {
  /** Folder for settings.json and (unless `dbPath` is given) the index database; created if missing. */
  dataDir: string;
  /** Computes the vectors (usually an EmbedderProcess, so the model never runs in the caller's process). */
  embedder: Embedder;
  /** Counts word pieces the way `embedder` does; used to cut passages that fit the model. */
  tokenCounter: TokenCounter;
  /** Index database file; default `<dataDir>/index.sqlite`. */
  dbPath?: string;
  /**
   * Keep watching folders for changes after the first pass (default true). The one-pass CLI `index`
   * command turns it off.
   */
  watch?: boolean;
  /**
   * Compare stored folders with the disk at start and index what changed (default true). The CLI
   * `search` and `status` commands turn it off: they only read the index.
   */
  reconcileOnStart?: boolean;
  /** Quiet time before a burst of file events is processed, in ms (default 150). */
  debounceMs?: number;
  /**
   * Passages from which the index is read back from SQLite in the background when its saved vector
   * file cannot be used (default 50,000; tests lower it). Searches answer from what is loaded meanwhile.
   */
  backgroundLoadFrom?: number;
  /** A change of model under way, for `status()` (the host's model manager runs it; none by default). */
  modelSwitch?: () => IndexProgress['modelSwitch'];
  /**
   * The re-ranker (cross-encoder) installed under `name`, from the model library: null when there is
   * none by that name; with `strict`, throws an error that says what is installed instead. None given:
   * searches are never re-ranked.
   */
  reranker?: (name: string, strict?: boolean) => RerankerChoice | null;
}

/** The index as `status` reports it (service/index-report.ts). */
export interface IndexReport {
  /** The model of the indexed files' vectors (more than one while a change of model is unfinished). */
  indexModels: Array<{ modelId: string; dimension: number; files: number }>;
  /** Every model's vectors kept in the index: how complete, how big, which one answers. */
  vectorSets: Array<VectorSetSummary & { inUse: boolean }>;
  /** SQLite's integrity_check: "ok" when the database is sound. */
  integrity: string;
}

/** Listener for one of the engine's events. */
export type TroveListener<E extends EventName> = (payload: TroveEvents[E]) => void;

export interface TroveService extends TroveApi {
  /** Subscribe to 'progress' or 'indexChanged'; returns a function that unsubscribes. */
  on<E extends EventName>(event: E, listener: TroveListener<E>): () => void;
  /**
   * Hosts call this before opening or revealing a file the page named. Only a file in the index
   * (for 'reveal' also one listed as a problem) whose real path lies in its indexed folder is accepted;
   * otherwise NotFoundError, OutsideFoldersError or NotIndexedError. Returns the real path and what to
   * do: 'reveal' instead of 'open' for programs and scripts, which opening would run (open-policy.ts).
   */
  resolveForDesktop(path: string, wanted: 'open' | 'reveal'): Promise<{ path: string; action: 'open' | 'reveal' }>;
  /** Resolves when nothing is queued or being indexed (scans finished, queue empty, not paused). */
  whenIdle(): Promise<void>;
  /** What the indexer did since the service opened: files embedded, reused, unchanged, failed, removed. */
  indexTotals(): Promise<IndexTotals>;
  /** Which models made the indexed files' vectors, every vector set kept, and SQLite's integrity check. */
  indexReport(): Promise<IndexReport>;
  /** Stop watchers and indexing, wait for the current file to be written, close the database. */
  close(): Promise<void>;
}

/** Thrown by openFile/revealFile: they need a desktop shell, which the core has not got. */
export class DesktopOnlyError extends Error {
  override name = 'DesktopOnlyError';
}
