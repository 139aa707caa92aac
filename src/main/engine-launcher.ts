/**
 * The engine as Electron main starts it: a utility process, with a HelperBroker that starts the
 * helpers the engine asks for and connects them to it. Written against the Electron shapes it uses and
 * given Electron's utilityProcess.fork and MessageChannelMain by ./utility-fork.ts, so the same code runs
 * in Node in test/integration/host on worker threads (Electron's binary cannot be downloaded here).
 */
import type { FromEngine, ToEngine } from '../core/host/engine-protocol';
import type { HelperName, ProcessHandle, ProcessLauncher } from '../core/process/process-handle';
import { HelperBroker, type HelperChild, type HelperForkOptions } from './helper-broker';

/** A utility process as main uses it (Electron's UtilityProcess fits). */
export interface UtilityChild<P> extends HelperChild<P> {
  on(event: 'message', listener: (message: unknown) => void): unknown;
}

export interface EngineLauncherDeps<P> {
  /** Start the engine's entry (utilityProcess.fork of out/main/engine-worker.js). */
  forkEngine(): UtilityChild<P>;
  /** Start helper `name` for the engine (utilityProcess.fork of its built entry). */
  forkHelper(name: HelperName, options: HelperForkOptions): HelperChild<P>;
  /** new MessageChannelMain(). */
  channel(): { port1: P; port2: P };
}

/** `child` as a ProcessHandle; a message `intercept` takes never reaches the handle's listeners. */
export function utilityHandle<Out, In, P>(child: UtilityChild<P>, intercept: (message: unknown) => boolean = () => false): ProcessHandle<Out, In> {
  let alive = true;
  const listeners: ((message: In) => void)[] = [];
  child.on('message', (message) => {
    if (!intercept(message)) for (const l of listeners) l(message as In);
  });
  child.once('exit', () => (alive = false));
  return {
    get pid() {
      return child.pid;
    },
    // Messages sent before the process has spawned are queued by Electron.
    send: (message) => {
      if (alive) child.postMessage(message);
    },
    onMessage: (listener) => void listeners.push(listener),
    onExit: (listener) => void child.once('exit', (code) => listener(code, null)),
    kill: () => void child.kill(),
  };
}

/** The engine, whose asks for helpers main answers here; each (re)start has its own broker. */
export function brokeredEngineLauncher<P>(deps: EngineLauncherDeps<P>): ProcessLauncher<ToEngine, FromEngine> {
  return () => {
    const engine = deps.forkEngine();
    let alive = true;
    const broker = new HelperBroker<P>(
      { postMessage: (message, ports) => void (alive && engine.postMessage(message, ports)) },
      { fork: deps.forkHelper, channel: deps.channel },
    );
    // Its helpers go with it (they would also leave when their port closes).
    engine.once('exit', () => {
      alive = false;
      broker.closeAll();
    });
    return utilityHandle<ToEngine, FromEngine, P>(engine, (message) => broker.handle(message));
  };
}
