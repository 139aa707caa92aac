/**
 * Where each API method and event travels, derived from the method and event names: the Electron
 * preload and main process, and the web host and its browser client, all take names from here.
 */
import { apiMethods, type ApiMethod, type EventName } from './api';

/** IPC channel for a method call (Electron). */
export const methodChannel = (method: ApiMethod): `trove:${ApiMethod}` => `trove:${method}`;

/** IPC channel for an event pushed to the window (Electron). */
export const eventChannel = (event: EventName): `trove-event:${EventName}` => `trove-event:${event}`;

/** HTTP route for a method call (web host): `POST /api/<method>` with the argument list as JSON. */
export const methodRoute = (method: ApiMethod): `/api/${ApiMethod}` => `/api/${method}`;

/** HTTP route for the server-sent event stream (web host). */
export const EVENTS_ROUTE = '/api/events';

/** Every event name, for loops that forward or subscribe to all of them. */
export const eventNames: readonly EventName[] = ['progress', 'indexChanged', 'importProgress'] satisfies readonly EventName[];

/** Methods that need the desktop (a native dialog or the OS file manager); the web host refuses them. */
export const desktopOnlyMethods: readonly ApiMethod[] = ['pickFolder', 'openFile', 'revealFile'];

/** True when `name` is one of the API's method names. */
export function isApiMethod(name: string): name is ApiMethod {
  return (apiMethods as string[]).includes(name);
}

/** How an error crosses a process boundary: a name a caller can branch on, and a message for people. */
export interface WireError {
  /** "InvalidArgumentsError", "NotFoundError", ... or "Error". */
  name: string;
  /** A sentence for the UI. */
  message: string;
}
