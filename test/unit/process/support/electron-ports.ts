/**
 * Node's worker_threads, dressed as the Electron shapes Trove's utility-process path is written
 * against, so that path runs in plain Node (Electron's binary cannot be downloaded here):
 * - a MessagePort as Electron's MessagePortMain: 'message' events carry { data, ports }, start() begins
 *   delivery, 'close' when the other end is gone;
 * - a worker thread as Electron's UtilityProcess (postMessage with ports, 'spawn', 'exit' with a code,
 *   stderr when asked, kill), running a worker entry with process.parentPort as a utility process has it.
 * Node's MessagePort hands the value itself to 'message' listeners; here every message travels in a
 * { data, ports } envelope, so ports cross inside it as Electron's do beside it.
 */
import { EventEmitter } from 'node:events';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';

interface Envelope {
  data: unknown;
  ports: MessagePort[];
}

export interface ElectronPort {
  readonly node: MessagePort;
  postMessage(message: unknown, transfer?: ElectronPort[]): void;
  on(event: 'message', listener: (e: { data: unknown; ports: ElectronPort[] }) => void): this;
  on(event: 'close', listener: () => void): this;
  start(): void;
  close(): void;
}

export function electronPort(node: MessagePort): ElectronPort {
  const port: ElectronPort = {
    node,
    postMessage(message, transfer = []) {
      const ports = transfer.map((p) => p.node);
      node.postMessage({ data: message, ports } satisfies Envelope, ports);
    },
    on(event: 'message' | 'close', listener: (e: never) => void) {
      if (event === 'message') node.on('message', (v: Envelope) => (listener as (e: unknown) => void)({ data: v.data, ports: v.ports.map(electronPort) }));
      else node.on('close', listener as () => void);
      return port;
    },
    start: () => node.start(),
    close: () => node.close(),
  };
  return port;
}

/** new MessageChannelMain(), on worker_threads. */
export function electronChannel(): { port1: ElectronPort; port2: ElectronPort } {
  const { port1, port2 } = new MessageChannel();
  return { port1: electronPort(port1), port2: electronPort(port2) };
}

const boot = new URL('./thread-boot.mjs', import.meta.url);

/** utilityProcess.fork(entry, [], options) on a worker thread: the entry's .ts source under tsx. */
export interface ThreadProcess extends EventEmitter {
  readonly pid: number | undefined;
  readonly stderr: NodeJS.ReadableStream | null;
  readonly worker: Worker;
  postMessage(message: unknown, transfer?: ElectronPort[]): void;
  kill(): boolean;
}

export function threadProcess(entry: string | URL, options: { env?: Record<string, string | undefined>; stdio?: string[] } = {}): ThreadProcess {
  const pipeStderr = options.stdio?.[2] === 'pipe';
  const worker = new Worker(boot, {
    workerData: { entry: String(entry instanceof URL ? entry : new URL(`file://${entry}`)) },
    env: options.env ?? process.env,
    stderr: pipeStderr,
    stdout: options.stdio?.[1] === 'ignore',
  });
  const child = Object.assign(new EventEmitter(), {
    pid: undefined as number | undefined,
    stderr: pipeStderr ? worker.stderr : null,
    worker,
    postMessage(message: unknown, transfer: ElectronPort[] = []) {
      const ports = transfer.map((p) => p.node);
      worker.postMessage({ data: message, ports } satisfies Envelope, ports);
    },
    kill() {
      void worker.terminate();
      return true;
    },
  });
  worker.once('online', () => {
    child.pid = worker.threadId;
    child.emit('spawn');
  });
  worker.on('message', (v: Envelope) => child.emit('message', v.data));
  // An uncaught error ends the thread with code 1, as it would end a process; 'exit' follows.
  worker.on('error', () => {});
  worker.once('exit', (code) => {
    child.pid = undefined;
    child.emit('exit', code);
  });
  return child;
}
