/**
 * The one place in src/ that forks (eslint.config.js lets no other file there import child_process,
 * src/cli's launcher script aside): a helper as a Node child process, for the CLI, the web host and the
 * tests. In the app nothing reaches it. Electron main starts the engine as a utility process, and the
 * engine, told so in its init, asks main for its helpers (./parent-helpers.ts) and turns this off
 * (./helper-launchers.ts): under Electron, fork() would run the Electron binary as Node through
 * ELECTRON_RUN_AS_NODE, which the RunAsNode fuse of the installed app refuses.
 */
import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { MEMORY_BUDGET_ENV } from './memory-budget';
import type { HelperOptions, ProcessLauncher } from './process-handle';

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

/** Options of a Node child process: those of every helper. */
export type NodeChildOptions = HelperOptions;

let refusal: string | null = null;

/** From now on, starting a Node child process in this process throws with `why` (helper-launchers.ts). */
export function refuseNodeChildren(why: string): void {
  refusal = why;
}

/**
 * A Node child process over fork()'s IPC channel with structured clone ('advanced'), so typed arrays
 * cross as typed arrays.
 */
export function nodeChildLauncher<Out, In>(script: { entry: string; execArgv: string[] }, options: NodeChildOptions = {}): ProcessLauncher<Out, In> {
  const { memoryMb, onStderr, quiet } = options;
  return () => {
    if (refusal) throw new Error(`not starting ${script.entry} as a Node child process: ${refusal}`);
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
