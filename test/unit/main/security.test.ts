/**
 * Electron's security checklist as main applies it (src/main/session-policy.ts, external-links.ts),
 * run in plain Node: the session and the webContents are stand-ins that record what main installs,
 * and the shell's openExternal is a recorder.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { EXTERNAL_HOSTS, isAllowedExternal, openLinkOutside } from '../../../src/main/external-links';
import { guardContents, hardenSession, type ContentsPolicyTarget, type SessionPolicyTarget } from '../../../src/main/session-policy';
import { CONTENT_SECURITY_POLICY } from '../../../src/shared/csp';

/** What a page may try to open: only the first two are on the allow-list. */
const ALLOWED = ['https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2', 'https://huggingface.co/'];
const REFUSED = [
  'http://huggingface.co/x',
  'https://huggingface.co.evil.example/x',
  'https://evil.example/?https://huggingface.co/',
  'https://user:pass@huggingface.co/x',
  'https://huggingface.co:8443/x',
  'https://hf-mirror.com/x',
  'file:///etc/passwd',
  'smb://server/share',
  'javascript:alert(1)',
  'trove://app/index.html',
  'mailto:someone@example.com',
  'not a url',
];

function recorder() {
  const opened: string[] = [];
  const logged: string[] = [];
  return { opened, logged, opener: { openExternal: async (url: string) => void opened.push(url), log: (line: string) => void logged.push(line) } };
}

describe('links to the browser: an allow-list', () => {
  test('https on the allowed hosts only', () => {
    assert.deepEqual(EXTERNAL_HOSTS, ['huggingface.co']);
    for (const url of ALLOWED) assert.ok(isAllowedExternal(url), url);
    for (const url of REFUSED) assert.ok(!isAllowedExternal(url), url);
  });

  test('a refused link never reaches openExternal and leaves a log line', () => {
    const { opened, logged, opener } = recorder();
    for (const url of REFUSED) assert.equal(openLinkOutside(url, opener), false);
    assert.deepEqual(opened, []);
    assert.equal(logged.length, REFUSED.length);
    assert.match(logged[0], /refused to open "http:\/\/huggingface\.co\/x" outside the app/);
    for (const url of ALLOWED) assert.equal(openLinkOutside(url, opener), true);
    assert.deepEqual(opened, ALLOWED);
  });
});

describe('each webContents: no navigation, no webviews, no windows', () => {
  function fakeContents() {
    const listeners = new Map<string, (event: { url?: string; preventDefault(): void }) => void>();
    let openHandler: ((details: { url: string }) => { action: string }) | undefined;
    const contents = {
      on: (name: string, listener: (event: { url?: string; preventDefault(): void }) => void) => void listeners.set(name, listener),
      setWindowOpenHandler: (handler: typeof openHandler) => void (openHandler = handler),
    } as unknown as ContentsPolicyTarget;
    return { contents, listeners, open: (url: string) => openHandler!({ url }) };
  }
  const event = (url?: string) => {
    const e = { url, prevented: false, preventDefault: () => void (e.prevented = true) };
    return e;
  };

  test('window.open and target=_blank are denied; only allowed links go to the browser', () => {
    const { opened, logged, opener } = recorder();
    const fake = fakeContents();
    guardContents(fake.contents, (url) => void openLinkOutside(url, opener));
    for (const url of [...REFUSED, ...ALLOWED]) assert.deepEqual(fake.open(url), { action: 'deny' });
    assert.deepEqual(opened, ALLOWED);
    assert.equal(logged.length, REFUSED.length);
  });

  test('navigating away is prevented (an allowed link opens in the browser instead)', () => {
    const { opened, opener } = recorder();
    const fake = fakeContents();
    guardContents(fake.contents, (url) => void openLinkOutside(url, opener));
    for (const url of ['https://evil.example/', ALLOWED[0]]) {
      const e = event(url);
      fake.listeners.get('will-navigate')!(e);
      assert.ok(e.prevented, url);
    }
    assert.deepEqual(opened, [ALLOWED[0]]);
    const attach = event();
    fake.listeners.get('will-attach-webview')!(attach);
    assert.ok(attach.prevented);
  });
});

describe('the session: no permission, ever; the CSP on every response', () => {
  type Installed = {
    request?: (contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void;
    check?: (contents: unknown, permission: string, origin: string, details: unknown) => boolean;
    device?: (details: unknown) => boolean;
    headers?: (details: { responseHeaders?: Record<string, string[]> }, callback: (r: { responseHeaders?: Record<string, string[]> }) => void) => void;
  };
  function hardened(): Installed {
    const installed: Installed = {};
    const session = {
      setPermissionRequestHandler: (h: Installed['request']) => void (installed.request = h),
      setPermissionCheckHandler: (h: Installed['check']) => void (installed.check = h),
      setDevicePermissionHandler: (h: Installed['device']) => void (installed.device = h),
      webRequest: { onHeadersReceived: (h: Installed['headers']) => void (installed.headers = h) },
    } as unknown as SessionPolicyTarget;
    hardenSession(session);
    return installed;
  }
  const permissions = ['media', 'geolocation', 'notifications', 'clipboard-read', 'clipboard-sanitized-write', 'fullscreen', 'openExternal', 'hid', 'serial', 'usb', 'fileSystem', 'local-fonts', 'unknown'];

  test('a permission check handler is installed and answers no to everything, from any origin', () => {
    const { check } = hardened();
    assert.ok(check, 'setPermissionCheckHandler was called with a handler');
    for (const permission of permissions) {
      for (const origin of ['trove://app', 'http://localhost:5173', 'https://evil.example']) {
        assert.equal(check({}, permission, origin, { requestingUrl: `${origin}/` }), false, `${permission} from ${origin}`);
      }
    }
  });

  test('permission requests and devices are refused', () => {
    const { request, device } = hardened();
    for (const permission of permissions) {
      const answers: boolean[] = [];
      request!({}, permission, (granted) => answers.push(granted), {});
      assert.deepEqual(answers, [false], permission);
    }
    assert.equal(device!({ deviceType: 'usb', origin: 'trove://app' }), false);
  });

  test('every response gets the CSP header, keeping its other headers', () => {
    const { headers } = hardened();
    let out: Record<string, string[]> | undefined;
    headers!({ responseHeaders: { 'Content-Type': ['text/html'] } }, (r) => (out = r.responseHeaders));
    assert.deepEqual(out, { 'Content-Type': ['text/html'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] });
  });
});
