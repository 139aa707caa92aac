/**
 * Electron main's side of the engine's helpers: the engine (a utility process) asks for a helper by
 * name, main starts it as a utility process of its own, makes a MessageChannelMain and hands one port
 * to each, then reports the helper's stderr (when asked) and its exit, which the engine's supervisor
 * needs and a port cannot tell. Main relays no helper message: embeddings and documents go port to port.
 *
 * Written against the few Electron shapes it uses (utility-fork.ts passes the real ones, so tsc checks
 * them against electron.d.ts) and imports nothing of Electron, so test/unit/main runs it in Node with
 * worker_threads ports; in a real Electron it has not run here.
 */
import { HELPER_PORT_MESSAGE } from '../core/process/child-port';
import { MEMORY_BUDGET_ENV } from '../core/process/memory-budget';
import { isHelperAsk, type HelperAsk, type HelperNews } from '../core/process/parent-helpers';
import type { HelperName } from '../core/process/process-handle';

/** The helpers the engine may ask for (not another engine), as named in Electron's process list. */
export const helperServiceNames: Partial<Record<HelperName, string>> = { embed: 'Trove embedding', extract: 'Trove document reader' };

/** A started helper, as Electron's UtilityProcess offers it. */
export interface HelperChild<P> {
  readonly pid: number | undefined;
  readonly stderr: NodeJS.ReadableStream | null;
  postMessage(message: unknown, transfer?: P[]): void;
  once(event: 'spawn', listener: () => void): unknown;
  once(event: 'exit', listener: (code: number) => void): unknown;
  kill(): boolean;
}

/** utilityProcess.fork's options, as far as a helper uses them. */
export interface HelperForkOptions {
  serviceName: string;
  execArgv: string[];
  env: Record<string, string | undefined>;
  stdio: ['ignore', 'inherit' | 'ignore', 'inherit' | 'pipe'];
}

export interface BrokerDeps<P> {
  /** Start helper `name` (utilityProcess.fork of its built entry). */
  fork(name: HelperName, options: HelperForkOptions): HelperChild<P>;
  /** A new pair of connected ports (new MessageChannelMain()). */
  channel(): { port1: P; port2: P };
}

/** The engine as the broker writes to it. */
export interface EngineSink<P> {
  postMessage(message: HelperNews, transfer?: P[]): void;
}

/** A memory budget the engine may ask for: a whole number of MB a helper can start with. */
const sensibleBudget = (mb: unknown): mb is number => Number.isInteger(mb) && (mb as number) >= 64 && (mb as number) <= 16_384;

/** How a helper is forked for `ask`: its V8 heap and budget, and which of its outputs come back. */
export function helperForkOptions(ask: Extract<HelperAsk, { type: 'start-helper' }>, env: NodeJS.ProcessEnv = process.env): HelperForkOptions {
  const budget = sensibleBudget(ask.memoryMb) ? ask.memoryMb : undefined;
  return {
    serviceName: helperServiceNames[ask.name] ?? 'Trove helper',
    execArgv: budget ? [`--max-old-space-size=${budget}`] : [],
    env: budget ? { ...env, [MEMORY_BUDGET_ENV]: String(budget) } : { ...env },
    // A utility process's stdin can only be 'ignore'.
    stdio: ['ignore', ask.quiet ? 'ignore' : 'inherit', ask.stderr ? 'pipe' : 'inherit'],
  };
}

/** One engine process's helpers (a restarted engine gets a new broker). */
export class HelperBroker<P> {
  private readonly children = new Map<number, HelperChild<P>>();
  private readonly seen = new Set<number>();

  constructor(
    private readonly engine: EngineSink<P>,
    private readonly deps: BrokerDeps<P>,
  ) {}

  /** Take a message from the engine if it is about a helper (returns false otherwise: a reply or an event). */
  handle(message: unknown): boolean {
    if (!isHelperAsk(message)) return false;
    if (message.type === 'stop-helper') this.children.get(message.helper)?.kill();
    else this.start(message);
    return true;
  }

  /** The engine has exited: its helpers go with it. */
  closeAll(): void {
    for (const child of this.children.values()) child.kill();
    this.children.clear();
  }

  private start(ask: Extract<HelperAsk, { type: 'start-helper' }>): void {
    const { helper } = ask;
    // Only the named helpers, each id once: anything else is answered as a helper that could not start.
    if (!Number.isInteger(helper) || this.seen.has(helper) || !Object.hasOwn(helperServiceNames, ask.name)) {
      this.engine.postMessage({ type: 'helper-exit', helper, code: null });
      return;
    }
    this.seen.add(helper);
    const child = this.deps.fork(ask.name, helperForkOptions(ask));
    this.children.set(helper, child);
    const { port1, port2 } = this.deps.channel();
    // Queued by Electron until the helper has spawned; the helper talks over this port from then on.
    child.postMessage({ type: HELPER_PORT_MESSAGE }, [port1]);
    child.once('spawn', () => this.engine.postMessage({ type: 'helper-started', helper, pid: child.pid }, [port2]));
    if (ask.stderr && child.stderr) {
      child.stderr.setEncoding('utf8');
      child.stderr.on('data', (text: string | Buffer) => this.engine.postMessage({ type: 'helper-stderr', helper, text: String(text) }));
    }
    child.once('exit', (code) => {
      this.children.delete(helper);
      this.engine.postMessage({ type: 'helper-exit', helper, code });
    });
  }
}
