/**
 * Runs a process entry as an Electron utility process (a Node process Electron manages, without
 * needing a separate Node binary on the user's machine). Fits core's ProcessLauncher, so the
 * supervisor (core/process/supervisor.ts) restarts it after a crash exactly as it does a Node child
 * process in the tests.
 */
import { utilityProcess } from 'electron';
import type { ProcessLauncher } from '../core/process/process-handle';

export function utilityLauncher<Out, In>(entry: string, serviceName: string): ProcessLauncher<Out, In> {
  return () => {
    const child = utilityProcess.fork(entry, [], { serviceName, stdio: 'inherit' });
    let alive = true;
    child.once('exit', () => (alive = false));
    return {
      get pid() {
        return child.pid;
      },
      // Messages sent before the process has spawned are queued by Electron.
      send: (message) => {
        if (alive) child.postMessage(message);
      },
      onMessage: (listener) => void child.on('message', (message: unknown) => listener(message as In)),
      onExit: (listener) => void child.once('exit', (code) => listener(code, null)),
      kill: () => void child.kill(),
    };
  };
}
