/**
 * The engine as a host sees it when the engine runs in its own process: every method of the shared
 * contract (`apiMethods`) plus the host-only ones, each one message to the engine process and its
 * reply, and the engine's events re-emitted here. Hosts (Electron main, the web host, the CLI's
 * `serve`, tests) keep only their event loop's light work: windows, sockets, relaying. Deliberately
 * imports nothing of the engine (lint rule in eslint.config.js), so a host cannot load it by accident.
 */
import { EventEmitter } from 'node:events';
import { apiMethods, type EventName, type TroveEvents } from '../../shared/api';
import { eventNames } from '../../shared/channels';
import type { ProcessLauncher } from '../process/process-handle';
import { isHelperAsk } from '../process/parent-helpers';
import type { Incoming } from '../process/supervised-process';
import { Supervisor } from '../process/supervisor';
import { engineHostMethods, fromWire, type EngineApi, type EngineInit, type EngineMethod, type FromEngine, type HostedTrove, type ToEngine } from './engine-protocol';

export type EngineLauncher = ProcessLauncher<ToEngine, FromEngine>;

export interface StartEngineOptions {
  init: EngineInit;
  /**
   * How to start the engine process (default: as this process starts its helpers, core/process/helper-launchers:
   * a Node child process running src/worker/engine-worker). Electron main gives a utility process.
   */
  launch?: EngineLauncher;
  /** The engine process died and is being restarted; `why` is a sentence for the user. */
  onCrash?(why: string): void;
  /** How long close() lets the engine finish the file in hand before killing it (ms, default 10 s). */
  closeTimeoutMs?: number;
}

/** A host's handle on the engine process: the whole API, events, and the process for diagnostics. */
export interface EngineClient extends HostedTrove {
  /** OS pid of the engine process now (it changes after a restart). */
  readonly pid: number | undefined;
  /** Times the engine process was restarted after dying. */
  readonly restarts: number;
}

/**
 * The engine entry as this process starts helpers: a Node child, its source under tsx or
 * out/main/engine-worker.js when built. Loaded only when no launcher is given, so Electron main, which
 * gives its own, never loads the module that forks.
 */
export async function nodeEngineLauncher(): Promise<EngineLauncher> {
  const { launcherFor } = await import('../process/helper-launchers');
  return launcherFor('engine');
}

function read(message: FromEngine): Incoming {
  switch (message.type) {
    case 'ready':
      return { kind: 'ready' };
    case 'init-failed':
      return { kind: 'init-failed', message: message.message };
    case 'result':
    case 'error':
      return { kind: 'reply', id: message.id, final: true };
    default:
      return { kind: 'other' };
  }
}

/**
 * Only Electron main starts helpers for the engine, and it answers the engine's asks before they get
 * here: an engine told 'from-parent' by any other host hears at once that its helper could not start,
 * rather than wait for it forever.
 */
function refusingHelpers(launch: EngineLauncher): EngineLauncher {
  return () => {
    const handle = launch();
    handle.onMessage((m) => {
      if (isHelperAsk(m) && m.type === 'start-helper') handle.send({ type: 'helper-exit', helper: m.helper, code: null });
    });
    return handle;
  };
}

/** Start the engine process, wait until its engine is open, and return the client. */
export async function startEngine(options: StartEngineOptions): Promise<EngineClient> {
  const events = new EventEmitter().setMaxListeners(0); // one listener per window or event-stream client
  let refresh = (): void => {};
  const supervisor = await Supervisor.start<ToEngine, FromEngine>({
    name: "Trove's index process",
    launch: refusingHelpers(options.launch ?? (await nodeEngineLauncher())),
    init: { type: 'init', init: options.init },
    shutdown: { type: 'shutdown' },
    read,
    onOther: (m) => {
      if (m.type === 'event' && eventNames.includes(m.name)) events.emit(m.name, m.payload);
    },
    onCrash: (why) => options.onCrash?.(why),
    // After a restart the UI's progress panel and open searches are stale: send fresh state.
    onReady: (_m, restarted) => restarted && refresh(),
  });

  async function call(method: EngineMethod, args: unknown[]): Promise<unknown> {
    const id = supervisor.newId();
    const reply = await supervisor.request(id, { type: 'call', id, method, args });
    if (reply.type === 'error') throw fromWire(reply.error);
    return (reply as Extract<FromEngine, { type: 'result' }>).value;
  }

  refresh = () => {
    call('status', []).then(
      (p) => events.emit('progress', p),
      () => {},
    );
    events.emit('indexChanged', { at: Date.now() });
  };

  const methods = Object.fromEntries(
    [...apiMethods, ...engineHostMethods].map((method) => [method, (...args: unknown[]) => call(method, args)]),
  ) as unknown as EngineApi;

  return {
    ...methods,
    on<E extends EventName>(event: E, listener: (payload: TroveEvents[E]) => void) {
      events.on(event, listener);
      return () => void events.off(event, listener);
    },
    close: () => supervisor.close(options.closeTimeoutMs ?? 10_000),
    get pid() {
      return supervisor.pid;
    },
    get restarts() {
      return supervisor.restarts;
    },
  };
}
