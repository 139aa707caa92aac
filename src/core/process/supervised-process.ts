/**
 * What the supervisor (supervisor.ts) is told about a process and tells of it: how to read its
 * messages, when to restart it, its time budgets, how its end is put in words, and the error a
 * death gives the requests it took with it.
 */
import type { ProcessLauncher } from './process-handle';

/** What a message from the process means to the supervisor. */
export type Incoming =
  | { kind: 'ready' }
  | { kind: 'init-failed'; message: string }
  /** An answer to request `id`: `final` ends it, otherwise it is progress. */
  | { kind: 'reply'; id: number; final: boolean }
  /** Anything else (events): handed to `onOther`. */
  | { kind: 'other' };

export interface SupervisorOptions<Out, In> {
  /** The process as people read it in a message: "the index process". */
  name: string;
  launch: ProcessLauncher<Out, In>;
  /** First message to every new process; it answers ready or init-failed. */
  init: Out;
  /** Asks the process to exit by itself. */
  shutdown: Out;
  read(message: In): Incoming;
  /** Called with each ready message, first start and restarts alike. */
  onReady?(message: In, restarted: boolean): void;
  onOther?(message: In): void;
  /** Called when the process dies unexpectedly, with a sentence saying so. */
  onCrash?(why: string): void;
  /**
   * The reason given to the requests a death fails, and to a start that fails (default: a sentence
   * naming the process, its exit code and signal). A reader pool says "needed more than 512 MB to read".
   */
  describeExit?(exit: ProcessExit): string;
  /** Starts that may fail in a row before the process is reported as unable to start (default 4, with backoff). */
  startAttempts?: number;
  /** A process not ready by then is killed as stuck (default: no limit). */
  startTimeoutMs?: number;
  /**
   * 'at-once' (default): a process that died is started again straight away (it holds state, sends
   * events). 'when-asked': only when a request needs it, so one that died on a hostile file costs
   * nothing until the next file.
   */
  restart?: 'at-once' | 'when-asked';
  /** False: the process keeps this one alive only while a request is under way (default true). */
  holdWhileIdle?: boolean;
  /**
   * Sends per request across crashes before it fails (default 1: a crash fails every call in flight,
   * right for calls that change things; pure computations can be resent).
   */
  maxAttempts?: number;
}

/** How a process ended, for `describeExit`. */
export interface ProcessExit {
  code: number | null;
  signal: string | null;
  /** It had said it was ready. */
  ready: boolean;
  /** Set when this side killed it (a time budget), with the reason. */
  killedFor: string | null;
  /** Starts that failed in a row, this one included (0 once it was ready). */
  failedStarts: number;
}

/** A time budget for one request: past it, the process is killed and `reason` is the request's error. */
export interface RequestBudget {
  timeoutMs: number;
  reason: string;
}

/** The process died while working on a request (more often than allowed), or could not be started. */
export class ProcessCrashedError extends Error {
  override name = 'ProcessCrashedError';
}

/** Consecutive deaths before the process says it is ready, after which it is reported as unable to start (default). */
export const MAX_FAILED_STARTS = 4;
/** Wait before the n-th consecutive restart of a process that died while starting (a loaded machine, an OOM kill). */
export const START_BACKOFF_MS = [0, 250, 1000, 3000];

/** The default sentence for a process's end (`describeExit` replaces it). */
export function exitSentence(name: string, exit: ProcessExit, maxFailedStarts: number): string {
  const { code, signal } = exit;
  if (exit.killedFor) return `${name} was stopped: ${exit.killedFor}`;
  if (exit.ready) return `${name} stopped unexpectedly (exit code ${code}, signal ${signal})`;
  return exit.failedStarts >= maxFailedStarts
    ? `${name} could not start: it exited ${exit.failedStarts} times before it was ready (last: code ${code}, signal ${signal})`
    : `${name} exited before it was ready (code ${code}, signal ${signal})`;
}
