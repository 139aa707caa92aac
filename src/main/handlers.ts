/**
 * The IPC handlers, one per API method, as plain functions: no electron import, so the rules they
 * enforce (our window only, valid arguments only) are tested in Node. ./ipc registers them.
 */
import { apiMethods, validateArgs, type ApiMethod, type TroveApi } from '../shared/api';
import { methodChannel } from '../shared/channels';
import type { HostedTrove } from '../core/host/engine-protocol';

/** What a handler needs of Electron's IpcMainInvokeEvent. */
export interface InvokeEvent {
  sender: unknown;
  senderFrame: { url: string } | null;
}

/** The three methods answered by the desktop shell (dialog, shell) rather than the engine. */
export type DesktopMethods = Pick<TroveApi, 'pickFolder' | 'openFile' | 'revealFile'>;

export interface HandlerOptions {
  /** The engine (in its own process), once started: calls wait for it; a failed start is reported to every call. */
  service: Promise<HostedTrove>;
  desktop: DesktopMethods;
  /** The webContents of our window: the only sender we answer. */
  trustedSender: () => unknown;
  /** True for the URL of our own page. */
  isOwnPage: (url: string) => boolean;
}

export type Handler = (event: InvokeEvent, ...args: unknown[]) => Promise<unknown>;

export function apiHandlers(options: HandlerOptions): [channel: string, handler: Handler][] {
  return apiMethods.map((method: ApiMethod) => [
    methodChannel(method),
    async (event, ...args) => {
      const url = event.senderFrame?.url ?? '';
      if (event.sender !== options.trustedSender() || !options.isOwnPage(url)) {
        throw new Error(`refused ${method} from ${url || 'an unknown frame'}`);
      }
      const valid = validateArgs(method, args) as unknown[];
      const target: Partial<Record<ApiMethod, unknown>> = method in options.desktop ? options.desktop : await options.service;
      return (target[method] as (...a: unknown[]) => Promise<unknown>).apply(target, valid);
    },
  ]);
}

/**
 * Same origin as our page: `trove://app` (the built UI), or the dev server under `electron-vite dev`.
 * Scheme and host are compared rather than `origin`, which is "null" for every custom scheme in Node.
 */
export function isOwnPage(url: string, rendererUrl: string): boolean {
  if (!URL.canParse(url) || !URL.canParse(rendererUrl)) return false;
  const page = new URL(url);
  const own = new URL(rendererUrl);
  return page.protocol === own.protocol && page.host === own.host && own.protocol !== 'file:';
}
