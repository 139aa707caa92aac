/**
 * Registers the API's handlers (./handlers) with ipcMain, answers the desktop-only methods with the
 * dialog and the shell, and pushes engine events to the window. The engine is in its own process:
 * main relays calls there (core/host/engine-client.ts) after checking the sender and the arguments.
 * A MessagePort from the page straight to the engine (VS Code's shared process) would skip this hop,
 * but would move those checks into the engine process; a relayed call costs main one structured
 * clone each way, measured in test/integration/host/main-responsive.test.ts.
 */
import { dialog, ipcMain, shell, type BrowserWindow } from 'electron';
import { eventChannel, eventNames } from '../shared/channels';
import type { HostedTrove } from '../core/host/engine-protocol';
import { apiHandlers, type DesktopMethods } from './handlers';

export interface IpcOptions {
  service: Promise<HostedTrove>;
  /** The window whose page may call us. */
  window: () => BrowserWindow | null;
  isOwnPage: (url: string) => boolean;
}

function desktopMethods(options: IpcOptions): DesktopMethods {
  return {
    async pickFolder() {
      const win = options.window();
      const pick = { properties: ['openDirectory' as const], title: 'Choose a folder for Trove to search' };
      const result = win ? await dialog.showOpenDialog(win, pick) : await dialog.showOpenDialog(pick);
      return result.canceled || result.filePaths.length === 0 ? null : result.filePaths[0];
    },
    async openFile(path) {
      // Only indexed files, and programs or scripts are shown rather than run (core/service/open-policy.ts).
      const target = await (await options.service).resolveForDesktop(path, 'open');
      if (target.action === 'reveal') return shell.showItemInFolder(target.path);
      const failure = await shell.openPath(target.path);
      if (failure) throw new Error(`could not open ${target.path}: ${failure}`);
    },
    async revealFile(path) {
      const target = await (await options.service).resolveForDesktop(path, 'reveal');
      shell.showItemInFolder(target.path);
    },
  };
}

export function registerIpc(options: IpcOptions): () => void {
  const handlers = apiHandlers({
    service: options.service,
    desktop: desktopMethods(options),
    trustedSender: () => options.window()?.webContents,
    isOwnPage: options.isOwnPage,
  });
  for (const [channel, handler] of handlers) ipcMain.handle(channel, handler);
  return () => handlers.forEach(([channel]) => ipcMain.removeHandler(channel));
}

/** Push engine events to the window's page. */
export function forwardEvents(service: HostedTrove, window: () => BrowserWindow | null): () => void {
  const offs = eventNames.map((name) =>
    service.on(name, (payload) => {
      const win = window();
      if (win && !win.isDestroyed()) win.webContents.send(eventChannel(name), payload);
    }),
  );
  return () => offs.forEach((off) => off());
}
