/**
 * Owns one helper process on the calling side: start with an init message and wait for "ready",
 * request ids, restart after a crash (with backoff while it keeps dying on start), resend or fail
 * the requests in flight, time budgets per request and for starting, and a timed shutdown. Modelled
 * on VS Code's UtilityProcess owner (platform/utilityProcess/electron-main/utilityProcess.ts): one
 * object with ready, messages, crash and exit, whatever kind of process is behind the launcher.
 * Every helper Trove runs goes through it: the engine, the embedding, and each document reader of
 * the reading pool (core/extract/isolated-extractor.ts), whose memory budget is set by the launcher.
 */
import type { ProcessHandle } from './process-handle';
import { exitSentence, MAX_FAILED_STARTS, ProcessCrashedError, START_BACKOFF_MS, type ProcessExit, type RequestBudget, type SupervisorOptions } from './supervised-process';

interface Pending<Out, In> {
  message: Out;
  attempts: number;
  onUpdate?: (message: In) => void;
  budget?: RequestBudget;
  timer?: NodeJS.Timeout;
  resolve: (message: In) => void;
  reject: (err: Error) => void;
}

/** The process now, and what this side knows of it. */
interface Current<Out, In> {
  handle: ProcessHandle<Out, In>;
  ready: boolean;
  killedFor: string | null;
}

export class Supervisor<Out, In> {
  /** Times the process was restarted after dying. */
  restarts = 0;
  private current: Current<Out, In> | null = null;
  private ready: Promise<void> = Promise.resolve();
  private readonly pending = new Map<number, Pending<Out, In>>();
  /** Requests waiting for the process to be ready (not yet pending). */
  private waiting = 0;
  private nextId = 1;
  private started = false;
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
      s.current?.handle.kill();
      throw err;
    }
    return s;
  }

  /** A supervisor whose process starts with the first request (a pool that may never be used). */
  static lazy<Out, In>(options: SupervisorOptions<Out, In>): Supervisor<Out, In> {
    return new Supervisor(options);
  }

  /** OS pid of the current process. */
  get pid(): number | undefined {
    return this.current?.handle.pid;
  }

  /** Allocate the id of a request (callers put it in the message they pass to `request`). */
  newId(): number {
    return this.nextId++;
  }

  private get maxFailedStarts(): number {
    return this.options.startAttempts ?? MAX_FAILED_STARTS;
  }

  private spawn(restarted: boolean): Promise<void> {
    this.started = true;
    const handle = this.options.launch();
    const current: Current<Out, In> = { handle, ready: false, killedFor: null };
    this.current = current;
    this.hold();
    const startTimeoutMs = this.options.startTimeoutMs;
    const startTimer = startTimeoutMs
      ? setTimeout(() => this.kill(`${this.options.name} did not start within ${Math.round(startTimeoutMs / 1000)} s`), startTimeoutMs)
      : undefined;
    startTimer?.unref();
    this.ready = new Promise<void>((resolve, reject) => {
      handle.onMessage((msg) => {
        const what = this.options.read(msg);
        if (what.kind === 'ready') {
          current.ready = true;
          clearTimeout(startTimer);
          this.failedStarts = 0;
          this.options.onReady?.(msg, restarted);
          resolve();
        } else if (what.kind === 'init-failed') reject(new Error(what.message));
        else if (what.kind === 'reply') this.settle(what.id, what.final, msg);
        else this.options.onOther?.(msg);
      });
      handle.onExit((code, signal) => {
        clearTimeout(startTimer);
        const failedStarts = current.ready ? 0 : this.failedStarts + 1;
        reject(new ProcessCrashedError(this.describe({ code, signal, ready: current.ready, killedFor: current.killedFor, failedStarts })));
        this.exited(current, code, signal);
      });
    });
    handle.send(this.options.init);
    return this.ready;
  }

  private describe(exit: ProcessExit): string {
    return this.options.describeExit ? this.options.describeExit(exit) : exitSentence(this.options.name, exit, this.maxFailedStarts);
  }

  private settle(id: number, final: boolean, msg: In): void {
    const p = this.pending.get(id);
    if (!p) return;
    if (!final) return p.onUpdate?.(msg);
    this.drop(id, p);
    p.resolve(msg);
  }

  private drop(id: number, p: Pending<Out, In>): void {
    clearTimeout(p.timer);
    this.pending.delete(id);
    this.hold();
  }

  /** Hand a pending request to the process now, with its time budget (re)started. */
  private deliver(id: number, p: Pending<Out, In>): void {
    clearTimeout(p.timer);
    if (p.budget) {
      const { timeoutMs, reason } = p.budget;
      p.timer = setTimeout(() => this.pending.get(id) === p && this.kill(reason), timeoutMs);
    }
    this.current?.handle.send(p.message);
  }

  private exited(current: Current<Out, In>, code: number | null, signal: string | null): void {
    if (current !== this.current) return;
    this.current = null;
    if (this.closing) {
      this.failAll(new Error(`${this.options.name} stopped`));
      return;
    }
    const exit: ProcessExit = { code, signal, ready: current.ready, killedFor: current.killedFor, failedStarts: current.ready ? 0 : this.failedStarts + 1 };
    const why = this.describe(exit);
    this.failedStarts = exit.failedStarts;
    const givingUp = this.failedStarts >= this.maxFailedStarts;
    for (const [id, p] of this.pending) {
      if (givingUp || p.attempts >= (this.options.maxAttempts ?? 1)) {
        this.drop(id, p);
        const message =
          givingUp || this.options.describeExit
            ? why
            : p.attempts > 1
              ? `${why} during this request; gave up after ${p.attempts} attempts`
              : `${why} during this request; it is being restarted, try again`;
        p.reject(new ProcessCrashedError(message));
      }
    }
    if (current.ready && !current.killedFor) this.options.onCrash?.(why);
    if (givingUp) return; // the next request tries again
    if (this.options.restart === 'when-asked' && this.pending.size === 0) return;
    this.restart();
  }

  private failAll(err: Error): void {
    for (const [id, p] of this.pending) {
      this.drop(id, p);
      p.reject(err);
    }
  }

  private restart(): void {
    if (this.started) this.restarts++;
    const delay = START_BACKOFF_MS[Math.min(this.failedStarts, START_BACKOFF_MS.length - 1)];
    let spawned: Promise<void>;
    if (delay === 0) spawned = this.spawn(this.started);
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
        for (const [id, p] of this.pending) {
          p.attempts++;
          this.deliver(id, p);
        }
      },
      (err: Error) => {
        // A death during start-up is handled by exited(); a refusal to start fails the work waiting for it.
        if (!(err instanceof ProcessCrashedError)) this.failAll(err);
      },
    );
  }

  /** An idle helper lets this process exit (holdWhileIdle false); a busy one, or one starting for a request, keeps it. */
  private hold(): void {
    if (this.options.holdWhileIdle === false) this.current?.handle.hold?.(this.pending.size + this.waiting > 0);
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
   * Waits for a restart under way; starts the process if it is not running (given up, or 'when-asked').
   * With a `budget`, a process that has not answered in time is killed and the request fails with its reason.
   */
  async request(id: number, message: Out, onUpdate?: (message: In) => void, budget?: RequestBudget): Promise<In> {
    if (this.closing) throw new Error(`${this.options.name} is stopped`);
    this.waiting++;
    try {
      if (!this.current && !this.cancelRestart) {
        this.failedStarts = 0;
        this.restart();
      }
      this.hold();
      await this.whenReady();
    } finally {
      this.waiting--;
    }
    return new Promise<In>((resolve, reject) => {
      // Closed while it waited: a process being closed fails it at its exit, one already gone now.
      if (this.closing && !this.current) return reject(new Error(`${this.options.name} stopped`));
      const p: Pending<Out, In> = { message, attempts: 1, onUpdate, budget, resolve, reject };
      this.pending.set(id, p);
      this.hold();
      if (this.current) this.deliver(id, p);
      // else: a restart is under way and will send everything pending.
    });
  }

  /** Drop a request: its reply, if it comes, is ignored, and its promise never settles. Returns false if it was not pending. */
  forget(id: number): boolean {
    const p = this.pending.get(id);
    if (!p) return false;
    this.drop(id, p);
    return true;
  }

  /** Send a message that expects no reply (e.g. a cancel). */
  post(message: Out): void {
    this.current?.handle.send(message);
  }

  /**
   * Kill the process now, for `reason` (a time budget, a cancelled file whose reading cannot be
   * interrupted): the requests in it fail with that reason, and the next process starts as
   * `restart` says. Nothing sent after this reaches the dying process.
   */
  kill(reason: string): void {
    const current = this.current;
    if (!current) return;
    current.killedFor = reason;
    current.handle.kill();
    // Settled now rather than at its exit, so the next request goes to a new process, never to this one.
    this.exited(current, null, 'SIGKILL');
  }

  /** Ask the process to exit; kill it if it hasn't within `ms`. Calls in flight fail. */
  async close(ms = 3000): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    this.cancelRestart?.();
    const handle = this.current?.handle;
    if (!handle) return this.failAll(new Error(`${this.options.name} stopped`));
    handle.hold?.(true); // an idle, unheld process: without this nothing would wait for its exit
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
