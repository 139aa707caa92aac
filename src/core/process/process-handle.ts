/**
 * The two ends a supervised process offers, whatever started it: a Node child process (CLI, web host,
 * tests, and the embedding process under the engine) or an Electron utility process (the app's engine,
 * started by src/main/utility-fork.ts). Typed by the messages each way, so one launcher shape serves
 * every process Trove runs.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MEMORY_BUDGET_ENV } from './memory-budget';

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
 * Where a process entry is: its .ts source under tsx (tests, `npm run trove`), or the built .js that
 * electron-vite writes into out/main beside index.js (this code may be bundled there or in chunks/).
 */
export function entryScript(sourceFromHere: string, builtName: string, fromUrl: string): { entry: string; execArgv: string[] } {
  const here = dirname(fileURLToPath(fromUrl));
  const source = join(here, sourceFromHere);
  if (existsSync(source)) return { entry: source, execArgv: ['--import', 'tsx'] };
  const built = [join(here, builtName), join(here, '..', builtName)].find((p) => existsSync(p)) ?? join(here, builtName);
  return { entry: built, execArgv: [] };
}

export interface NodeChildOptions {
  /** Memory budget (MB): a V8 heap of that size, and the budget the process checks (memory-budget.ts). */
  memoryMb?: number;
  /** Given: the process's stderr comes here (to explain a crash) instead of to this process's stderr. */
  onStderr?(text: string): void;
  /** Drop the process's stdout (libraries that print warnings while reading hostile files). */
  quiet?: boolean;
}

/**
 * A Node child process over fork()'s IPC channel with structured clone ('advanced'), so typed arrays
 * cross as typed arrays. Under Electron, fork() runs the Electron binary as plain Node by itself.
 */
export function nodeChildLauncher<Out, In>(script: { entry: string; execArgv: string[] }, options: NodeChildOptions = {}): ProcessLauncher<Out, In> {
  const { memoryMb, onStderr, quiet } = options;
  return () => {
    const child = fork(script.entry, [], {
      serialization: 'advanced',
      execArgv: memoryMb ? [...script.execArgv, `--max-old-space-size=${memoryMb}`] : script.execArgv,
      env: memoryMb ? { ...process.env, [MEMORY_BUDGET_ENV]: String(memoryMb) } : process.env,
      stdio: ['ignore', quiet ? 'ignore' : 'inherit', onStderr ? 'pipe' : 'inherit', 'ipc'],
    });
    if (onStderr) {
      child.stderr?.setEncoding('utf8');
      child.stderr?.on('data', (text: string) => onStderr(text));
    }
    const exitListeners: ((code: number | null, signal: string | null) => void)[] = [];
    let exited = false;
    const exit = (code: number | null, signal: string | null) => {
      if (exited) return;
      exited = true;
      for (const l of exitListeners) l(code, signal);
    };
    child.once('exit', exit);
    // A send to a process that just died fails with EPIPE: its 'exit' is what counts (restart, resend).
    // A process that could not be spawned at all reports only 'error': that is its exit.
    child.on('error', () => child.pid === undefined && exit(null, null));
    return {
      pid: child.pid,
      send: (m) => {
        if (child.connected) child.send(m as object, () => {});
      },
      onMessage: (l) => void child.on('message', (m) => l(m as In)),
      onExit: (l) => void (exited ? l(child.exitCode, child.signalCode) : exitListeners.push(l)),
      kill: () => void child.kill('SIGKILL'),
      hold: (on) => {
        for (const h of [child, child.channel, child.stderr] as ({ ref?: () => void; unref?: () => void } | null | undefined)[]) {
          if (on) h?.ref?.();
          else h?.unref?.();
        }
      },
    };
  };
}
