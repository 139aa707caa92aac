/**
 * One `ipcMain.handle` per API method, derived from the shared method list: the sender must be our own
 * page, the arguments must pass the shared schemas, then the call goes to the engine. The three
 * desktop-only methods are answered here with the dialog and the shell.
 */
import { dialog, ipcMain, shell, type BrowserWindow, type IpcMainInvokeEvent } from 'electron';
import { apiMethods, validateArgs, type ApiMethod, type TroveApi } from '../shared/api';
import { eventChannel, eventNames, methodChannel } from '../shared/channels';
import type { TroveService } from '../core/trove-service';

export interface IpcOptions {
  /** The engine, once it has started (calls wait for it; a failed start is reported to every call). */
  service: Promise<TroveService>;
  /** The window whose page may call us. */
  window: () => BrowserWindow | null;
  /** True for the URL of our own page (the built file or the dev server). */
  isOwnPage: (url: string) => boolean;
}

type DesktopMethods = Pick<TroveApi, 'pickFolder' | 'openFile' | 'revealFile'>;

function desktopMethods(options: IpcOptions): DesktopMethods {
  return {
    async pickFolder() {
      const win = options.window();
      const pick = { properties: ['openDirectory' as const], title: 'Choose a folder for Trove to search' };
      const result = win ? await dialog.showOpenDialog(win, pick) : await dialog.showOpenDialog(pick);
      return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0];
    },
    async openFile(path) {
      // Only files inside the user's folders: a compromised page must not launch arbitrary programs.
      const real = await (await options.service).resolveIndexedPath(path);
      const failure = await shell.openPath(real);
      if (failure) throw new Error(`could not open ${real}: ${failure}`);
    },
    async revealFile(path) {
      const real = await (await options.service).resolveIndexedPath(path);
      shell.showItemInFolder(real);
    },
  };
}

export function registerIpc(options: IpcOptions): () => void {
  const desktop = desktopMethods(options);
  for (const method of apiMethods) {
    ipcMain.handle(methodChannel(method), async (event: IpcMainInvokeEvent, ...args: unknown[]) => {
      const url = event.senderFrame?.url ?? '';
      if (event.sender !== options.window()?.webContents || !options.isOwnPage(url)) {
        throw new Error(`refused ${method} from ${url || 'an unknown frame'}`);
      }
      const valid = validateArgs(method, args) as unknown[];
      const target: Partial<Record<ApiMethod, unknown>> = method in desktop ? desktop : await options.service;
      return (target[method] as (...a: unknown[]) => Promise<unknown>).apply(target, valid);
    });
  }
  return () => {
    for (const method of apiMethods) ipcMain.removeHandler(methodChannel(method));
  };
}

/** Push engine events to the window's page. */
export function forwardEvents(service: TroveService, window: () => BrowserWindow | null): () => void {
  const offs = eventNames.map((name) =>
    service.on(name, (payload) => {
      const win = window();
      if (win && !win.isDestroyed()) win.webContents.send(eventChannel(name), payload);
    }),
  );
  return () => offs.forEach((off) => off());
}
