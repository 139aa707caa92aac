/**
 * Electron main: lifecycle and wiring only. The engine is core's TroveService (plain Node), the model
 * runs in a utility process, and the page reaches both through the typed IPC in ./ipc.
 */
import { app, BrowserWindow, dialog } from 'electron';
import type { TroveAppService } from '../core/open-trove';
import { openTrove } from '../core/open-trove';
import { forwardEvents, registerIpc } from './ipc';
import { dataDir, shippedModelsDir, workerEntry } from './paths';
import { isOwnPage } from './handlers';
import { hardenSessions } from './security';
import { utilityLauncher } from './utility-fork';
import { createMainWindow, rendererUrl } from './window';

let mainWindow: BrowserWindow | null = null;

function showWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) mainWindow = createMainWindow();
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

async function run(): Promise<void> {
  await app.whenReady();
  hardenSessions();

  const service: Promise<TroveAppService> = openTrove({
    dataDir: dataDir(),
    shippedModelsDir: shippedModelsDir(),
    launch: utilityLauncher(workerEntry()),
  });
  // Calls made before the engine is up wait for it; if it cannot start, each call reports why.
  service.catch((err: Error) => dialog.showErrorBox('Trove could not start its index', err.message));
  registerIpc({ service, window: () => mainWindow, isOwnPage: (url) => isOwnPage(url, rendererUrl()) });
  service.then((s) => forwardEvents(s, () => mainWindow), () => {});

  showWindow();
  app.on('activate', () => showWindow());
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let closed = false;
  app.on('before-quit', (event) => {
    if (closed) return;
    // Let the indexer finish writing the current file and the embedding process exit cleanly.
    event.preventDefault();
    closed = true;
    service
      .then((s) => s.close())
      .catch(() => {})
      .finally(() => app.quit());
  });
}

if (!app.requestSingleInstanceLock()) {
  // Another Trove is running: it gets focus (below, 'second-instance'), this one leaves.
  app.quit();
} else {
  app.on('second-instance', () => showWindow());
  void run();
}
