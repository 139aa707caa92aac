/**
 * The helpers of a process that does not start processes itself: the app's engine. Electron main
 * starts each helper as a utility process, makes a MessageChannelMain, gives one port to the helper
 * and the other to this process (VS Code's shape); messages then go straight between the two, not
 * through main. Main also reports the helper's stderr and its exit, which a port cannot tell.
 * A handle here fits ProcessLauncher, so the supervisor restarts a helper by asking main again.
 *
 * Runs in Electron's utility process only through its shapes (ports with Electron's
 * MessagePortMain API); test/unit/process runs it on Node's worker_threads MessagePorts.
 */
import type { HelperLaunchers, HelperName, HelperOptions, ProcessHandle } from './process-handle';

/** What the process asks its parent. `helper` is this process's id for the helper, never reused. */
export type HelperAsk =
  | {
      type: 'start-helper';
      helper: number;
      name: HelperName;
      /** The helper's memory budget (MB), for its V8 heap and its own check. */
      memoryMb?: number;
      /** Send the helper's stderr back (helper-stderr) rather than to the parent's own stderr. */
      stderr: boolean;
      /** Drop the helper's stdout. */
      quiet: boolean;
    }
  | { type: 'stop-helper'; helper: number };

/** What the parent tells the process about a helper. */
export type HelperNews =
  /** The helper is running; the message carries the port to it (MessageEvent.ports[0]). */
  | { type: 'helper-started'; helper: number; pid: number | undefined }
  | { type: 'helper-stderr'; helper: number; text: string }
  /** The helper has exited (or could not be started: code null). */
  | { type: 'helper-exit'; helper: number; code: number | null };

/** A MessagePort as Electron's MessagePortMain offers it (also what ./child-port.ts adopts). */
export interface HelperPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (e: { data: unknown }) => void): unknown;
  on(event: 'close', listener: () => void): unknown;
  start(): void;
  close(): void;
}

const newsTypes: readonly string[] = ['helper-started', 'helper-stderr', 'helper-exit'] satisfies HelperNews['type'][];
const askTypes: readonly string[] = ['start-helper', 'stop-helper'] satisfies HelperAsk['type'][];

export function isHelperNews(message: unknown): message is HelperNews {
  return typeof message === 'object' && message !== null && newsTypes.includes((message as { type?: string }).type ?? '');
}

export function isHelperAsk(message: unknown): message is HelperAsk {
  return typeof message === 'object' && message !== null && askTypes.includes((message as { type?: string }).type ?? '');
}

/**
 * After a port closes, how long to wait for the parent's report of the exit (which has the exit code
 * that says "over its memory budget") before calling it an exit with no code.
 */
export const EXIT_REPORT_GRACE_MS = 1000;

/** What a handle needs to hear from the parent. */
interface Live {
  started(port: HelperPort, pid: number | undefined): void;
  stderr(text: string): void;
  exited(code: number | null): void;
}

export class ParentHelpers {
  private next = 1;
  private readonly live = new Map<number, Live>();

  /** `ask` sends a message to the parent. */
  constructor(
    private readonly ask: (message: HelperAsk) => void,
    private readonly graceMs = EXIT_REPORT_GRACE_MS,
  ) {}

  /** Launchers that ask the parent (for helper-launchers.ts's startHelpersWith). */
  readonly launchers: HelperLaunchers = (name, options = {}) => () => this.start(name, options);

  /** Take a message from the parent if it is news of a helper (returns false otherwise); `ports` as it came. */
  receive(message: unknown, ports: readonly HelperPort[] = []): boolean {
    if (!isHelperNews(message)) return false;
    const live = this.live.get(message.helper);
    if (message.type === 'helper-started') {
      if (live && ports[0]) live.started(ports[0], message.pid);
      else if (live) live.exited(null);
      else for (const p of ports) p.close(); // already given up on: nobody will read it
    } else if (message.type === 'helper-stderr') live?.stderr(message.text);
    else live?.exited(message.code);
    return true;
  }

  private start<Out, In>(name: HelperName, options: HelperOptions): ProcessHandle<Out, In> {
    const helper = this.next++;
    const messageListeners: ((message: In) => void)[] = [];
    const exitListeners: ((code: number | null, signal: string | null) => void)[] = [];
    // Sent before the port arrives: delivered in order once it does.
    let queued: Out[] = [];
    let port: HelperPort | null = null;
    let pid: number | undefined;
    let exitCode: number | null | undefined;
    let grace: NodeJS.Timeout | undefined;

    const exited = (code: number | null) => {
      if (exitCode !== undefined) return;
      exitCode = code;
      clearTimeout(grace);
      this.live.delete(helper);
      queued = [];
      port?.close();
      for (const l of exitListeners) l(code, null);
    };
    this.live.set(helper, {
      started: (p, id) => {
        port = p;
        pid = id;
        p.on('message', (e) => {
          if (exitCode === undefined) for (const l of messageListeners) l(e.data as In);
        });
        // The helper died or dropped its end; main's report, with the exit code, normally follows.
        p.on('close', () => {
          if (exitCode === undefined) grace ??= setTimeout(() => exited(null), this.graceMs).unref();
        });
        p.start();
        for (const m of queued) p.postMessage(m);
        queued = [];
      },
      stderr: (text) => options.onStderr?.(text),
      exited,
    });
    this.ask({ type: 'start-helper', helper, name, memoryMb: options.memoryMb, stderr: !!options.onStderr, quiet: !!options.quiet });

    return {
      get pid() {
        return pid;
      },
      send: (message) => {
        if (exitCode !== undefined) return;
        if (port) port.postMessage(message);
        else queued.push(message);
      },
      onMessage: (l) => void messageListeners.push(l),
      onExit: (l) => void (exitCode !== undefined ? l(exitCode, null) : exitListeners.push(l)),
      // Main kills it and reports the exit; nothing more is read from it meanwhile.
      kill: () => {
        if (exitCode !== undefined) return;
        queued = [];
        this.ask({ type: 'stop-helper', helper });
      },
    };
  }
}
