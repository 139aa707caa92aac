/**
 * The process's own end of process-handle.ts: every worker entry (engine, embedding, document reading)
 * talks to its parent through this, whether it runs as a Node child process (process.send /
 * 'message'), as an Electron utility process talking to main (process.parentPort: the app's engine),
 * or as a utility process main started for the engine: main first sends it a MessagePort
 * (HELPER_PORT_MESSAGE) and from then on it talks over that port to the engine, not to main.
 */
import type { HelperPort } from './parent-helpers';

/** Electron's process.parentPort in a utility process. */
export interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown; ports?: readonly HelperPort[] }) => void): unknown;
  postMessage(message: unknown): void;
}

/** Main's first message to a helper it starts for the engine: ports[0] is the helper's end of the channel. */
export const HELPER_PORT_MESSAGE = 'trove:helper-port';

export interface ChildPort<Out> {
  /** Send to the parent; dropped once the parent has gone (nobody is left to read it). */
  send(message: Out): void;
  /**
   * Take the parent's messages (with the MessagePorts a utility process's message carries), and call
   * `onParentGone` when it disconnects. Started neither way, the process says so on stderr and exits with 2.
   */
  listen(receive: (message: unknown, ports: readonly HelperPort[]) => void, onParentGone: () => void): void;
}

const isHelperPortMessage = (data: unknown): boolean => (data as { type?: unknown } | null)?.type === HELPER_PORT_MESSAGE;

/**
 * The port of this process; `name` is the entry's, for the message when it was not started as a worker.
 * `parentPort` is Electron's (tests give their own).
 */
export function childPort<Out>(name: string, parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort): ChildPort<Out> {
  let own: HelperPort | null = null;
  return {
    send(message) {
      if (own) own.postMessage(message);
      else if (parentPort) parentPort.postMessage(message);
      // The callback takes a send that raced the parent's exit: that message had nobody to go to.
      else if (process.connected) process.send?.(message, undefined, undefined, () => {});
    },
    listen(receive, onParentGone) {
      if (parentPort) {
        parentPort.on('message', (e) => {
          const port = e.ports?.[0];
          if (!own && port && isHelperPortMessage(e.data)) {
            // A helper answers only what comes over this port, so nothing is sent before it is here.
            own = port;
            port.on('message', (m) => receive(m.data, []));
            port.on('close', onParentGone);
            port.start();
          } else receive(e.data, e.ports ?? []);
        });
      } else if (process.send) process.on('message', (m) => receive(m, []));
      else {
        process.stderr.write(`${name}: run me as a child or utility process\n`);
        process.exit(2);
      }
      process.on('disconnect', onParentGone);
    },
  };
}
