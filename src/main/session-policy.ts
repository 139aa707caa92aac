/**
 * Electron's security checklist as functions of the session and of each webContents, so the rules
 * are tested in Node with stand-ins (test/unit/main/security.test.ts); ./security applies them.
 */
import type { Session, WebContents } from 'electron';
import { CONTENT_SECURITY_POLICY } from '../shared/csp';

export type SessionPolicyTarget = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'> & {
  webRequest: Pick<Session['webRequest'], 'onHeadersReceived'>;
};

/**
 * No permission is ever granted, asked (request) or queried (check: the synchronous answer
 * `navigator.permissions.query` and some APIs read without asking); no device is ever shared; and
 * every response carries the CSP (the dev server's pages too; ./app-protocol sets it on ours).
 */
export function hardenSession(session: SessionPolicyTarget): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
}

export type ContentsPolicyTarget = Pick<WebContents, 'on' | 'setWindowOpenHandler'>;

/**
 * A page never navigates away, attaches a webview or opens a window: a link to the web goes to
 * `openLink` (the allow-listed browser, ./external-links) and the window stays on our page.
 */
export function guardContents(contents: ContentsPolicyTarget, openLink: (url: string) => void): void {
  contents.on('will-navigate', (event) => {
    event.preventDefault();
    openLink(event.url);
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    openLink(url);
    return { action: 'deny' };
  });
}
