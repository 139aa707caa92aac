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

export interface ProcessHandle<Out, In> {
  /** Send a message to the process (dropped if it has already exited: its exit is what counts). */
  send(message: Out): void;
  /** Called for each message from the process. */
  onMessage(listener: (message: In) => void): void;
  /** Called once when the process exits, for whatever reason. */
  onExit(listener: (code: number | null, signal: string | null) => void): void;
  /** Kill the process now. */
  kill(): void;
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

/**
 * A Node child process over fork()'s IPC channel with structured clone ('advanced'), so typed arrays
 * cross as typed arrays. Under Electron, fork() runs the Electron binary as plain Node by itself.
 */
export function nodeChildLauncher<Out, In>(script: { entry: string; execArgv: string[] }): ProcessLauncher<Out, In> {
  return () => {
    const child = fork(script.entry, [], { serialization: 'advanced', execArgv: script.execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    // A send to a process that just died fails with EPIPE: its 'exit' is what counts (restart, resend).
    child.on('error', () => {});
    return {
      pid: child.pid,
      send: (m) => {
        if (child.connected) child.send(m as object, () => {});
      },
      onMessage: (l) => void child.on('message', (m) => l(m as In)),
      onExit: (l) => void child.once('exit', (code, signal) => l(code, signal)),
      kill: () => void child.kill('SIGKILL'),
    };
  };
}
