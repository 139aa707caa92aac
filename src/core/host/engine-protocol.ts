/**
 * The messages between a host (Electron main, the web host, tests) and the engine process
 * (src/worker/engine-worker.ts). Calls carry an API method name and its argument list as the shared
 * contract types them, so no method is listed here: a method added to TroveAppApi crosses unchanged.
 */
import type { EventName, TroveAppApi, TroveEvents } from '../../shared/api';
import type { WireError } from '../../shared/channels';
import type { HelperAsk, HelperNews } from '../process/parent-helpers';
import type { IndexTotals } from '../indexer/progress-meter';
import type { IndexReport } from '../trove-service';
import type { Device } from '../../shared/types';

/** How the engine process opens the engine: the serialisable part of core's OpenTroveOptions. */
export interface EngineInit {
  /** Settings, the index database and questions.db live here. */
  dataDir: string;
  /** A model folder to use instead of the model manager's choice. */
  modelDir?: string;
  /** Its weights variant, with `modelDir`. */
  variant?: string;
  /** Where the model runs, for this run only (the CLI's --device); default: Settings.device. */
  device?: Device;
  /** Where the shipped models are (default: the project's resources/models). */
  shippedModelsDir?: string;
  /** The index database file (default `<dataDir>/index.sqlite`): the CLI's `--db`. */
  dbPath?: string;
  /** Keep watching folders after the first pass (default true; the CLI's one-pass `index` turns it off). */
  watch?: boolean;
  /** Compare stored folders with the disk at start (default true; the CLI's `search` and `status` only read). */
  reconcileOnStart?: boolean;
  /**
   * How the engine starts its helpers (the embedding, the document readers): 'node-children' (default:
   * the CLI, the web host, tests) forks them; 'from-parent' (Electron main) asks its parent with
   * HelperAsk messages and talks to each over the MessagePort the parent sends back, and never forks.
   */
  helpers?: 'node-children' | 'from-parent';
}

/**
 * What a host may call besides the UI's API: the desktop shell's check before opening a file, and
 * "wait until indexing is idle", the totals and the report for the CLI and tests. Typed against core's TroveService by the
 * engine entry, so a rename there fails the build.
 */
export interface EngineHostApi {
  /** See TroveService.resolveForDesktop: the real path of an indexed file, and whether to open or reveal it. */
  resolveForDesktop(path: string, wanted: 'open' | 'reveal'): Promise<{ path: string; action: 'open' | 'reveal' }>;
  /** Resolves when nothing is queued or being indexed. */
  whenIdle(): Promise<void>;
  /** See TroveService.indexTotals: what the indexer did since the engine opened (the CLI's summary). */
  indexTotals(): Promise<IndexTotals>;
  /** See TroveService.indexReport: models, vector sets and integrity of the index (the CLI's status). */
  indexReport(): Promise<IndexReport>;
}

export const engineHostMethods = ['resolveForDesktop', 'whenIdle', 'indexTotals', 'indexReport'] as const satisfies readonly (keyof EngineHostApi)[];

/** Every method the engine process answers. */
export type EngineApi = TroveAppApi & EngineHostApi;
export type EngineMethod = keyof EngineApi;

/** What a host serves from: the engine in this process (openTrove) or in another one (EngineClient). */
export interface HostedTrove extends EngineApi {
  /** Call `listener` with each `event`; returns a function that unsubscribes. */
  on<E extends EventName>(event: E, listener: (payload: TroveEvents[E]) => void): () => void;
  /** Stop the engine (finishing the file being written). */
  close(): Promise<void>;
}

/** Messages to the engine process; in the app, also Electron main's news of the helpers it started for the engine. */
export type ToEngine =
  | { type: 'init'; init: EngineInit }
  | { type: 'call'; id: number; method: EngineMethod; args: unknown[] }
  | { type: 'shutdown' }
  | HelperNews;

export type FromEngine =
  | { type: 'ready' }
  | { type: 'init-failed'; message: string }
  | { type: 'result'; id: number; value: unknown }
  | { type: 'error'; id: number; error: WireError }
  | { type: 'event'; name: EventName; payload: unknown }
  /** In the app ('from-parent'): start or stop a helper. Electron main answers them; any other host refuses (engine-client.ts). */
  | HelperAsk;

/** An error as it crosses the process boundary: hosts branch on `name` (HTTP status, dialogs). */
export function toWire(err: unknown): WireError {
  return err instanceof Error ? { name: err.name, message: err.message } : { name: 'Error', message: String(err) };
}

/** The error rebuilt on the host side, with the engine's name so hosts treat it as they would in-process. */
export function fromWire(wire: WireError): Error {
  const err = new Error(wire.message);
  err.name = wire.name;
  return err;
}
