/**
 * Owns one helper process on the calling side: start with an init message and wait for "ready",
 * request ids, restart after a crash (with backoff while it keeps dying on start), resend or fail
 * the requests in flight, and a timed shutdown. Modelled on VS Code's UtilityProcess owner
 * (platform/utilityProcess/electron-main/utilityProcess.ts): one object with ready, messages, crash
 * and exit, whatever kind of process is behind the launcher.
 */
import type { ProcessHandle, ProcessLauncher } from './process-handle';

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
   * Sends per request across crashes before it fails (default 1: a crash fails every call in flight,
   * right for calls that change things; pure computations can be resent).
   */
  maxAttempts?: number;
}

/** The process died while working on a request (more often than allowed), or could not be started. */
export class ProcessCrashedError extends Error {
  override name = 'ProcessCrashedError';
}

interface Pending<Out, In> {
  message: Out;
  attempts: number;
  onUpdate?: (message: In) => void;
  resolve: (message: In) => void;
  reject: (err: Error) => void;
}

/** Consecutive deaths before the process says it is ready, after which it is reported as unable to start. */
const MAX_FAILED_STARTS = 4;
/** Wait before the n-th consecutive restart of a process that died while starting (a loaded machine, an OOM kill). */
const START_BACKOFF_MS = [0, 250, 1000, 3000];

export class Supervisor<Out, In> {
  /** Times the process was restarted after dying. */
  restarts = 0;
  private handle: ProcessHandle<Out, In> | null = null;
  private ready: Promise<void> = Promise.resolve();
  private readonly pending = new Map<number, Pending<Out, In>>();
  private nextId = 1;
  private closing = false;
  private failedStarts = 0;
  private cancelRestart: (() => void) | null = null;

  private constructor(private readonly options: SupervisorOptions<Out, In>) {}

  /** Start the process and wait until it is ready; a process that keeps dying while starting, or refuses its init, is an error. */
  static async start<Out, In>(options: SupervisorOptions<Out, In>): Promise<Supervisor<Out, In>> {
    const s = new Supervisor(options);
    try {
      void s.spawn(false).catch(() => {}); // whenReady follows restarts
      await s.whenReady();
    } catch (err) {
      s.closing = true;
      s.cancelRestart?.();
      s.handle?.kill();
      throw err;
    }
    return s;
  }

  /** OS pid of the current process. */
  get pid(): number | undefined {
    return this.handle?.pid;
  }

  /** Allocate the id of a request (callers put it in the message they pass to `request`). */
  newId(): number {
    return this.nextId++;
  }

  private spawn(restarted: boolean): Promise<void> {
    const handle = this.options.launch();
    this.handle = handle;
    this.ready = new Promise<void>((resolve, reject) => {
      let isReady = false;
      handle.onMessage((msg) => {
        const what = this.options.read(msg);
        if (what.kind === 'ready') {
          isReady = true;
          this.failedStarts = 0;
          this.options.onReady?.(msg, restarted);
          resolve();
        } else if (what.kind === 'init-failed') reject(new Error(what.message));
        else if (what.kind === 'reply') this.settle(what.id, what.final, msg);
        else this.options.onOther?.(msg);
      });
      handle.onExit((code, signal) => {
        const starts = isReady ? 0 : this.failedStarts + 1;
        reject(
          new ProcessCrashedError(
            starts >= MAX_FAILED_STARTS
              ? `${this.options.name} could not start: it exited ${starts} times before it was ready (last: code ${code}, signal ${signal})`
              : `${this.options.name} exited before it was ready (code ${code}, signal ${signal})`,
          ),
        );
        this.exited(handle, code, signal, isReady);
      });
    });
    handle.send(this.options.init);
    return this.ready;
  }

  private settle(id: number, final: boolean, msg: In): void {
    const p = this.pending.get(id);
    if (!p) return;
    if (!final) return p.onUpdate?.(msg);
    this.pending.delete(id);
    p.resolve(msg);
  }

  private exited(handle: ProcessHandle<Out, In>, code: number | null, signal: string | null, wasReady: boolean): void {
    if (handle !== this.handle) return;
    this.handle = null;
    if (this.closing) {
      this.failAll(new Error(`${this.options.name} stopped`));
      return;
    }
    const why = `${this.options.name} stopped unexpectedly (exit code ${code}, signal ${signal})`;
    this.failedStarts = wasReady ? 0 : this.failedStarts + 1;
    const givingUp = this.failedStarts >= MAX_FAILED_STARTS;
    for (const [id, p] of this.pending) {
      if (givingUp || p.attempts >= (this.options.maxAttempts ?? 1)) {
        this.pending.delete(id);
        const message = givingUp
          ? why
          : p.attempts > 1
            ? `${why} during this request; gave up after ${p.attempts} attempts`
            : `${why} during this request; it is being restarted, try again`;
        p.reject(new ProcessCrashedError(message));
      }
    }
    if (wasReady) this.options.onCrash?.(why);
    if (givingUp) return; // the next request tries again
    this.restart();
  }

  private failAll(err: Error): void {
    for (const p of this.pending.values()) p.reject(err);
    this.pending.clear();
  }

  private restart(): void {
    this.restarts++;
    const delay = START_BACKOFF_MS[Math.min(this.failedStarts, START_BACKOFF_MS.length - 1)];
    let spawned: Promise<void>;
    if (delay === 0) spawned = this.spawn(true);
    else {
      // This promise stands in for the process while it waits, so whenReady() and request() wait with it.
      spawned = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => {
          this.cancelRestart = null;
          this.spawn(true).then(resolve, reject);
        }, delay);
        this.cancelRestart = () => {
          clearTimeout(timer);
          this.cancelRestart = null;
          reject(new Error(`${this.options.name} stopped`));
        };
      });
      this.ready = spawned;
    }
    spawned.then(
      () => {
        for (const p of this.pending.values()) {
          p.attempts++;
          this.handle?.send(p.message);
        }
      },
      (err: Error) => {
        // A death during start-up is handled by exited(); a refusal to start fails the work waiting for it.
        if (!(err instanceof ProcessCrashedError)) this.failAll(err);
      },
    );
  }

  /** Resolves when the process is up (waiting through restarts under way). */
  async whenReady(): Promise<void> {
    for (;;) {
      const ready = this.ready;
      try {
        await ready;
        return;
      } catch (err) {
        if (!(err instanceof ProcessCrashedError) || this.closing || this.ready === ready) throw err;
      }
    }
  }

  /**
   * Send `message` (carrying `id` from newId()) and resolve with the process's final reply to it.
   * Waits for a restart under way; starts one if the process had given up.
   */
  async request(id: number, message: Out, onUpdate?: (message: In) => void): Promise<In> {
    if (this.closing) throw new Error(`${this.options.name} is stopped`);
    if (!this.handle && !this.cancelRestart) {
      this.failedStarts = 0;
      this.restart();
    }
    await this.whenReady();
    return new Promise<In>((resolve, reject) => {
      this.pending.set(id, { message, attempts: 1, onUpdate, resolve, reject });
      if (this.handle) this.handle.send(message);
      // else: a restart is under way and will send everything pending.
    });
  }

  /** Drop a request: its reply, if it comes, is ignored, and its promise never settles. Returns false if it was not pending. */
  forget(id: number): boolean {
    return this.pending.delete(id);
  }

  /** Send a message that expects no reply (e.g. a cancel). */
  post(message: Out): void {
    this.handle?.send(message);
  }

  /** Ask the process to exit; kill it if it hasn't within `ms`. Calls in flight fail. */
  async close(ms = 3000): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.cancelRestart?.();
    const handle = this.handle;
    if (!handle) return this.failAll(new Error(`${this.options.name} stopped`));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        handle.kill();
        resolve();
      }, ms);
      handle.onExit(() => {
        clearTimeout(timer);
        resolve();
      });
      handle.send(this.options.shutdown);
    });
  }
}
