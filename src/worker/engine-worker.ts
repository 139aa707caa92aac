/**
 * The engine process: opens the whole engine (store, index, search, question banks, chunking, the
 * folder watchers; the model and the document readers run in helper processes) and answers the host's
 * calls by method name. The same file runs as an Electron utility process (messages on
 * process.parentPort) and as a Node child process (process.send / 'message') under the web host, the
 * CLI's `serve` and the tests.
 *
 * Its helpers: under a Node host it forks them (core/process/node-child.ts). In the app its init says
 * 'from-parent': it asks Electron main for each helper and talks to it over the MessagePort main sends
 * back (core/process/parent-helpers.ts), and fork is turned off in this process. That path is
 * type-checked against Electron's definitions and run in tests on worker_threads ports
 * (test/integration/host/engine-helpers-from-parent.test.ts), not in a real Electron here.
 *
 * The folder watchers (chokidar) stay here rather than in Electron main, against the first design:
 * every change they report becomes engine work here (stat, rules, queue), and chokidar's start-up walk
 * of a big folder is itself event-loop work; test/integration/host/main-responsive.test.ts measures
 * the host's loop while this process indexes and watches thousands of files.
 */
import { childPort } from '../core/process/child-port';
import { launcherFor, startHelpersWith } from '../core/process/helper-launchers';
import { ParentHelpers, type HelperPort } from '../core/process/parent-helpers';
import { openTrove, type TroveAppService } from '../core/open-trove';
import { engineHostMethods, toWire, type EngineApi, type FromEngine, type ToEngine } from '../core/host/engine-protocol';
import { isApiMethod, eventNames } from '../shared/channels';

const port = childPort<FromEngine>('engine-worker');
const parentHelpers = new ParentHelpers((ask) => port.send(ask));

let service: TroveAppService | null = null;
let stopping: Promise<void> | null = null;

function isEngineMethod(name: string): name is keyof EngineApi {
  return isApiMethod(name) || (engineHostMethods as readonly string[]).includes(name);
}

async function open(init: Extract<ToEngine, { type: 'init' }>['init']): Promise<void> {
  try {
    const { helpers, ...options } = init;
    if (helpers === 'from-parent') startHelpersWith(parentHelpers.launchers, 'in the app, Electron main starts helper processes (utility processes)');
    // The embedding process (and the model check's) starts as this process starts helpers; the readers ask the same way.
    service = await openTrove({ ...options, launch: launcherFor('embed') });
    for (const name of eventNames) service.on(name, (payload) => port.send({ type: 'event', name, payload }));
    port.send({ type: 'ready' });
  } catch (err) {
    port.send({ type: 'init-failed', message: (err as Error).message });
  }
}

async function call(msg: Extract<ToEngine, { type: 'call' }>): Promise<void> {
  try {
    if (!service) throw new Error('the index is not open yet');
    if (!isEngineMethod(msg.method)) throw new Error(`unknown method "${String(msg.method)}"`);
    // The host validated the arguments against the shared schemas; this process trusts its parent.
    const api: EngineApi = service;
    const method = api[msg.method] as (...args: unknown[]) => Promise<unknown>;
    port.send({ type: 'result', id: msg.id, value: (await method.apply(api, msg.args)) ?? null });
  } catch (err) {
    port.send({ type: 'error', id: msg.id, error: toWire(err) });
  }
}

/** Finish the file being written, stop the embedding process, leave. */
function stop(): Promise<void> {
  stopping ??= (async () => {
    await service?.close().catch(() => {});
    process.exit(0);
  })();
  return stopping;
}

function receive(raw: unknown, ports: readonly HelperPort[]): void {
  if (parentHelpers.receive(raw, ports)) return;
  const msg = raw as ToEngine;
  if (msg.type === 'init') void open(msg.init);
  else if (msg.type === 'call') void call(msg);
  else if (msg.type === 'shutdown') void stop();
}

// The host went away: close the index cleanly rather than be killed mid-write.
port.listen(receive, () => void stop());
// Ctrl+C in a terminal reaches the whole process group: the host decides when the engine stops
// (shutdown message, or disconnect when it exits), so a signal here must not look like a crash.
process.on('SIGINT', () => {});
