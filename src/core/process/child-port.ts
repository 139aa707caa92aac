/**
 * The process's own end of process-handle.ts: every worker entry (engine, embedding, document reading)
 * talks to its parent through this, whether it runs as an Electron utility process (messages on
 * process.parentPort) or as a Node child process (process.send / 'message').
 */

interface ParentPort {
  on(event: 'message', listener: (e: { data: unknown }) => void): void;
  postMessage(message: unknown): void;
}

export interface ChildPort<Out> {
  /** Send to the parent; dropped once the parent has gone (nobody is left to read it). */
  send(message: Out): void;
  /**
   * Take the parent's messages, and call `onParentGone` when it disconnects. Started neither way, the
   * process says so on stderr and exits with 2.
   */
  listen(receive: (message: unknown) => void, onParentGone: () => void): void;
}

/** The port of this process; `name` is the entry's, for the message when it was not started as a worker. */
export function childPort<Out>(name: string): ChildPort<Out> {
  const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;
  return {
    send(message) {
      if (parentPort) parentPort.postMessage(message);
      // The callback takes a send that raced the parent's exit: that message had nobody to go to.
      else if (process.connected) process.send?.(message, undefined, undefined, () => {});
    },
    listen(receive, onParentGone) {
      if (parentPort) parentPort.on('message', (e) => receive(e.data));
      else if (process.send) process.on('message', receive);
      else {
        process.stderr.write(`${name}: run me as a child or utility process\n`);
        process.exit(2);
      }
      process.on('disconnect', onParentGone);
    },
  };
}
