/**
 * The trove:// scheme that serves the built UI, run in plain Node against a throw-away "out" folder:
 * a built renderer with a page and a script, and beside it files a request must never reach.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { APP_PAGE, appFilePath, appResponse, rendererUrl } from '../../../src/main/app-protocol';
import { CONTENT_SECURITY_POLICY } from '../../../src/shared/csp';

const SECRET = 'the secret next to the renderer';

describe('trove:// serves the built UI and nothing else', () => {
  let out: string;
  let root: string;
  const get = (url: string) => appResponse({ method: 'GET', url }, root);

  before(() => {
    out = mkdtempSync(join(tmpdir(), 'trove-protocol-'));
    root = join(out, 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Trove</title>');
    writeFileSync(join(root, 'assets', 'index-abc.js'), 'export {};');
    writeFileSync(join(root, 'assets', 'index-abc.css'), 'body{}');
    writeFileSync(join(out, 'secret.txt'), SECRET);
    // Same prefix as the root: a check by string prefix alone would let it through.
    mkdirSync(join(out, 'renderer-evil'));
    writeFileSync(join(out, 'renderer-evil', 'secret.txt'), SECRET);
  });
  after(() => rmSync(out, { recursive: true, force: true }));

  test('the page, with its type and the CSP header', async () => {
    for (const url of [APP_PAGE, 'trove://app/', 'trove://app/index.html?x=1#top']) {
      const res = await get(url);
      assert.equal(res.status, 200, url);
      assert.equal(res.headers.get('content-type'), 'text/html; charset=utf-8');
      assert.equal(res.headers.get('content-security-policy'), CONTENT_SECURITY_POLICY);
      assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
      assert.match(await res.text(), /<title>Trove<\/title>/);
    }
  });

  test('scripts and styles with the types module scripts need', async () => {
    const js = await get('trove://app/assets/index-abc.js');
    assert.equal(js.status, 200);
    assert.equal(js.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.equal(await js.text(), 'export {};');
    assert.equal((await get('trove://app/assets/index-abc.css')).headers.get('content-type'), 'text/css; charset=utf-8');
    const head = await appResponse({ method: 'HEAD', url: APP_PAGE }, root);
    assert.equal(head.status, 200);
    assert.equal(await head.text(), '');
  });

  test('missing files, folders, other methods', async () => {
    assert.equal((await get('trove://app/nope.js')).status, 404);
    assert.equal((await get('trove://app/assets')).status, 404);
    assert.equal((await get('trove://app/assets/')).status, 404);
    assert.equal((await appResponse({ method: 'POST', url: APP_PAGE }, root)).status, 405);
  });

  test('no path reaches a file outside the renderer folder (404, never its content)', async () => {
    const secret = join(out, 'secret.txt');
    const attempts = [
      'trove://app/../secret.txt',
      'trove://app/%2e%2e/secret.txt',
      'trove://app/%2E%2E/secret.txt',
      'trove://app/..%2fsecret.txt',
      'trove://app/%2e%2e%2fsecret.txt',
      'trove://app/assets/..%2f..%2fsecret.txt',
      'trove://app/..%5csecret.txt',
      'trove://app/..\\secret.txt',
      'trove://app/..%2frenderer-evil%2fsecret.txt',
      `trove://app/${encodeURIComponent(secret)}`,
      `trove://app/${secret}`,
      `trove://app//${secret}`,
      'trove://app/C:%5cWindows%5cwin.ini',
      'trove://app/index.html%00.js',
      'trove://app/%E0%A4%A',
      'trove://evil/index.html',
      'trove://app:1234/index.html',
      `file://${secret}`,
      'https://app/index.html',
      'not a url',
    ];
    for (const url of attempts) {
      const res = await get(url);
      assert.equal(res.status, 404, url);
      assert.notEqual(await res.text(), SECRET, url);
      const file = appFilePath(url, root);
      assert.ok(file === null || file.startsWith(join(root, '/')), `${url} → ${file}`);
    }
  });

  test('double encoding stays a (missing) file name inside the folder', () => {
    assert.equal(appFilePath('trove://app/%252e%252e/secret.txt', root), join(root, '%2e%2e', 'secret.txt'));
  });
});

describe('the page the window loads', () => {
  const dev = { ELECTRON_RENDERER_URL: 'http://localhost:5173' };

  test('a packaged app ignores ELECTRON_RENDERER_URL', () => {
    assert.equal(rendererUrl({ isPackaged: true }, dev), APP_PAGE);
    assert.equal(rendererUrl({ isPackaged: true }, { ELECTRON_RENDERER_URL: 'https://evil.example/' }), APP_PAGE);
  });

  test('electron-vite dev (not packaged) loads its dev server, on this machine only', () => {
    assert.equal(rendererUrl({ isPackaged: false }, dev), 'http://localhost:5173');
    assert.equal(rendererUrl({ isPackaged: false }, { ELECTRON_RENDERER_URL: 'http://127.0.0.1:5173' }), 'http://127.0.0.1:5173');
    assert.equal(rendererUrl({ isPackaged: false }, { ELECTRON_RENDERER_URL: 'https://evil.example/' }), APP_PAGE);
    assert.equal(rendererUrl({ isPackaged: false }, { ELECTRON_RENDERER_URL: 'file:///tmp/evil.html' }), APP_PAGE);
    assert.equal(rendererUrl({ isPackaged: false }, {}), APP_PAGE);
  });

  test('nothing else in Electron main reads ELECTRON_RENDERER_URL', () => {
    const dir = join(import.meta.dirname, '../../../src/main');
    const readers = readdirSync(dir).filter((f) => readFileSync(join(dir, f), 'utf8').includes('ELECTRON_RENDERER_URL'));
    assert.deepEqual(readers, ['app-protocol.ts']);
  });
});
