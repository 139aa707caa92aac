/**
 * What the UI talks to: the whole `TroveAppApi` plus event subscription. In Electron the preload puts one
 * on `window.trove`; in the web host the browser client implements the same type over HTTP.
 */
import type { TroveAppApi, TroveEvents, EventName } from './api';

export interface TroveClient extends TroveAppApi {
  /** Call `listener` with each `event` pushed by the engine; returns a function that unsubscribes. */
  on<E extends EventName>(event: E, listener: (payload: TroveEvents[E]) => void): () => void;
}
