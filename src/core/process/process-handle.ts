/**
 * The two ends a supervised process offers, whatever started it: a Node child process (the CLI, the
 * web host, tests: ./node-child.ts), an Electron utility process started by Electron main (the app's
 * engine: src/main/utility-fork.ts), or a utility process main starts when the engine asks for it and
 * reached over a MessagePort (the app's embedding and document readers: ./parent-helpers.ts). Typed
 * by the messages each way, so one launcher shape, and one supervisor, serves every process Trove runs.
 * Imports nothing, so Electron main can use these shapes without loading a way to fork.
 */

export interface ProcessHandle<Out, In> {
  /** Send a message to the process (dropped if it has already exited: its exit is what counts). */
  send(message: Out): void;
  /** Called for each message from the process. */
  onMessage(listener: (message: In) => void): void;
  /** Called once when the process exits, for whatever reason. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  /** Kill the process now. */
  kill(): void;
  /**
   * Whether the process keeps this one alive (Node's ref/unref); absent where the platform decides.
   * A supervisor lets go of an idle helper so that a CLI run that has finished can exit.
   */
  hold?(on: boolean): void;
  /** OS process id, for diagnostics. */
  readonly pid: number | undefined;
}

/** Starts one process; a supervisor calls it again to restart after a crash. */
export type ProcessLauncher<Out, In> = () => ProcessHandle<Out, In>;

/**
 * Trove's helper processes, by the name of their entry in src/worker (electron-vite builds each to
 * out/main/<entry>.js). A process asks for a helper by name, never by path: Electron main starts
 * only these.
 */
export const helperEntries = { engine: 'engine-worker', embed: 'embed-worker', extract: 'extract-worker' } as const;
export type HelperName = keyof typeof helperEntries;

/** How a helper is started, whoever starts it. */
export interface HelperOptions {
  /** Memory budget (MB): a V8 heap of that size, and the budget the process checks (memory-budget.ts). */
  memoryMb?: number;
  /** Given: the process's stderr comes here (to explain a crash) instead of to this process's stderr. */
  onStderr?(text: string): void;
  /** Drop the process's stdout (libraries that print warnings while reading hostile files). */
  quiet?: boolean;
}

/** How a process starts its helpers (./helper-launchers.ts keeps the one this process uses). */
export type HelperLaunchers = <Out, In>(name: HelperName, options?: HelperOptions) => ProcessLauncher<Out, In>;
