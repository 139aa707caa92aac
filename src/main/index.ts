/**
 * Electron main: lifecycle and wiring only. The engine (store, index, search, question banks,
 * watchers) runs in a utility process, so a big folder or bank never freezes the window; the model and
 * the document readers run in utility processes main starts when the engine asks, each connected to
 * the engine by a MessagePort (./utility-fork, ./helper-broker). Main keeps the window, dialogs and
 * shell, and relays the page's typed calls and the engine's events (./ipc). Nothing here forks: the
 * app's RunAsNode fuse is off. eslint.config.js keeps the engine and child_process out of this folder.
 */
import { app, BrowserWindow, dialog } from 'electron';
import { startEngine, type EngineClient } from '../core/host/engine-client';
import { forwardEvents, registerIpc } from './ipc';
import { dataDir, shippedModelsDir } from './paths';
import { isOwnPage } from './handlers';
import { hardenSessions, registerAppScheme } from './security';
import { engineLauncher } from './utility-fork';
import { rendererUrl } from './app-protocol';
import { createMainWindow } from './window';

let mainWindow: BrowserWindow | null = null;

function showWindow(): void {
  if (!mainWindow || mainWindow.isDestroyed()) mainWindow = createMainWindow();
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.focus();
}

/** The engine process died and is being restarted: say so (calls it was answering fail with the same sentence). */
function reportCrash(why: string): void {
  const win = mainWindow && !mainWindow.isDestroyed() ? mainWindow : null;
  const box = { type: 'warning' as const, message: 'Trove’s index stopped unexpectedly', detail: `${why}. It is being restarted; searches and indexing resume in a moment.` };
  void (win ? dialog.showMessageBox(win, box) : dialog.showMessageBox(box));
}

async function run(): Promise<void> {
  await app.whenReady();
  hardenSessions();

  const service: Promise<EngineClient> = startEngine({
    init: { dataDir: dataDir(), shippedModelsDir: shippedModelsDir(), helpers: 'from-parent' },
    launch: engineLauncher(),
    onCrash: reportCrash,
  });
  // Calls made before the engine is up wait for it; if it cannot start, each call reports why.
  service.catch((err: Error) => dialog.showErrorBox('Trove could not start its index', err.message));
  registerIpc({ service, window: () => mainWindow, isOwnPage: (url) => isOwnPage(url, rendererUrl(app)) });
  service.then((s) => forwardEvents(s, () => mainWindow), () => {});

  showWindow();
  app.on('activate', () => showWindow());
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  let closed = false;
  app.on('before-quit', (event) => {
    if (closed) return;
    // Let the engine finish writing the current file and its embedding process exit cleanly.
    event.preventDefault();
    closed = true;
    service
      .then((s) => s.close())
      .catch(() => {})
      .finally(() => app.quit());
  });
}

// Privileged schemes must be declared before the app is ready.
registerAppScheme();

if (!app.requestSingleInstanceLock()) {
  // Another Trove is running: it gets focus (below, 'second-instance'), this one leaves.
  app.quit();
} else {
  app.on('second-instance', () => showWindow());
  void run();
}
