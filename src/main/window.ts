/** The one window: sandboxed, isolated, no Node, and unable to navigate away or open others. */
import { BrowserWindow, nativeTheme } from 'electron';
import { pathToFileURL } from 'node:url';
import { preloadEntry, rendererIndex } from './paths';

/** The page the window shows: the dev server's URL under `electron-vite dev`, else the built file. */
export const rendererUrl = (): string => process.env.ELECTRON_RENDERER_URL ?? pathToFileURL(rendererIndex()).href;

export function createMainWindow(): BrowserWindow {
  const win = new BrowserWindow({
    width: 1200,
    height: 800,
    minWidth: 720,
    minHeight: 480,
    title: 'Trove',
    show: false,
    backgroundColor: nativeTheme.shouldUseDarkColors ? '#17181b' : '#f7f7f5',
    webPreferences: {
      preload: preloadEntry(),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  void win.loadURL(rendererUrl());
  return win;
}
