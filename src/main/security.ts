/**
 * Electron's security checklist, applied once for the whole app: the UI served from our own scheme
 * (./app-protocol), no permissions, a CSP on every response, no navigation away from our page, no new
 * windows, and only allow-listed links to the browser (./session-policy, ./external-links).
 */
import { app, protocol, session, shell } from 'electron';
import { APP_SCHEME, appResponse } from './app-protocol';
import { openLinkOutside } from './external-links';
import { rendererDir } from './paths';
import { guardContents, hardenSession } from './session-policy';

/**
 * Before app ready: `trove:` behaves like https (standard: relative URLs and an origin of its own;
 * secure: a secure context; supportFetchAPI: module scripts and fetch load from it). No bypassCSP.
 */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

/** After app ready. */
export function hardenSessions(): void {
  const root = rendererDir();
  protocol.handle(APP_SCHEME, (request) => appResponse(request, root));
  hardenSession(session.defaultSession);
  const opener = { openExternal: (url: string) => shell.openExternal(url), log: (line: string) => console.warn(line) };
  app.on('web-contents-created', (_event, contents) => guardContents(contents, (url) => void openLinkOutside(url, opener)));
}
