/**
 * Electron's security checklist, applied once for the whole app: a strict CSP on every response, no
 * permissions, no navigation away from our page, no new windows.
 */
import { app, session, shell } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../shared/csp';

export function hardenSessions(): void {
  // The dev server's hot reload needs its websocket; the packaged app needs nothing beyond 'self'.
  const csp = process.env.ELECTRON_RENDERER_URL ? `${CONTENT_SECURITY_POLICY}; connect-src 'self' ws://localhost:*` : CONTENT_SECURITY_POLICY;
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));

  app.on('web-contents-created', (_event, contents) => {
    contents.on('will-navigate', (event) => event.preventDefault());
    contents.on('will-attach-webview', (event) => event.preventDefault());
    contents.setWindowOpenHandler(({ url }) => {
      // Links to the web (e.g. in the README shown in settings) open in the user's browser, never here.
      if (/^https:\/\//.test(url)) void shell.openExternal(url);
      return { action: 'deny' };
    });
  });
}
