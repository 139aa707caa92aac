/**
 * The only bridge between the sandboxed page and the app: `window.trove`, one function per API method
 * plus `on(event, listener)`. ipcRenderer itself never reaches the page.
 */
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { apiMethods, type EventName, type TroveEvents } from '../shared/api';
import type { TroveClient } from '../shared/bridge';
import { eventChannel, eventNames, methodChannel } from '../shared/channels';

const methods = Object.fromEntries(
  apiMethods.map((method) => [method, (...args: unknown[]) => ipcRenderer.invoke(methodChannel(method), ...args)]),
) as unknown as Omit<TroveClient, 'on'>;

const client: TroveClient = {
  ...methods,
  on<E extends EventName>(event: E, listener: (payload: TroveEvents[E]) => void) {
    if (!eventNames.includes(event)) throw new Error(`unknown event "${String(event)}"`);
    const forward = (_: IpcRendererEvent, payload: TroveEvents[E]) => listener(payload);
    ipcRenderer.on(eventChannel(event), forward);
    return () => void ipcRenderer.removeListener(eventChannel(event), forward);
  },
};

contextBridge.exposeInMainWorld('trove', client);
