/** The one window: sandboxed, isolated, no Node, and unable to navigate away or open others. */
import { app, BrowserWindow, nativeTheme } from 'electron';
import { rendererUrl } from './app-protocol';
import { preloadEntry } from './paths';

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
  void win.loadURL(rendererUrl(app));
  return win;
}
