/**
 * Runs the embedding worker as an Electron utility process (a Node process Electron manages, without
 * needing a separate Node binary on the user's machine). Fits core's WorkerLauncher, so EmbedderProcess
 * restarts it after a crash exactly as it does a Node child process in tests.
 */
import { utilityProcess } from 'electron';
import type { WorkerLauncher, WorkerResponse } from '../core/embed/protocol';

export function utilityLauncher(entry: string): WorkerLauncher {
  return () => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'Trove embedding', stdio: 'inherit' });
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
      onMessage: (listener) => void child.on('message', (message: unknown) => listener(message as WorkerResponse)),
      onExit: (listener) => void child.once('exit', (code) => listener(code, null)),
      kill: () => void child.kill(),
    };
  };
}
