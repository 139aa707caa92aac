/**
 * Picks how this page reaches the engine: the preload's `window.trove` inside Electron, else the web
 * host's HTTP API. Components only ever see a `Host`.
 */
import type { TroveClient } from '../../shared/bridge';
import { createWebClient } from './web-client';

declare global {
  interface Window {
    /** Set by the Electron preload; absent in a browser tab. */
    trove?: TroveClient;
  }
}

export interface Host {
  /** The typed API. */
  api: TroveClient;
  /** True in the desktop app: native folder dialog, open and reveal work. */
  desktop: boolean;
}

export function connect(): Host {
  if (window.trove) return { api: window.trove, desktop: true };
  return { api: createWebClient(window.location), desktop: false };
}
