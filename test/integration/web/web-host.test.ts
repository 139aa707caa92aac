/**
 * The web host's front door, against the real engine: only a page it served, holding its token, may
 * call the API; bad calls get a message a person can read.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startEngine, type EngineClient } from '../../../src/core/host/engine-client';
import { startWebHost, type WebHost } from '../../../src/web/server';

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  json: () => { result?: unknown; error?: { name: string; message: string } };
}

function send(host: WebHost, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path, method: init.method ?? 'GET', headers: init.headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => {
        body += c;
        // The event stream never ends: its first bytes are enough.
        if (res.headers['content-type']?.startsWith('text/event-stream')) res.destroy();
      });
      const done = () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body, json: () => JSON.parse(body) });
      res.on('end', done);
      res.on('close', done);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

const call = (host: WebHost, method: string, args: unknown, headers: Record<string, string> = {}) =>
  send(host, `/api/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-trove-token': host.token, ...headers },
    body: typeof args === 'string' ? args : JSON.stringify(args),
  });

describe('web host', () => {
  let root: string;
  let service: EngineClient;
  let host: WebHost;

  before(async () => {
    root = mkdtempSync(join(tmpdir(), 'trove-web-'));
    const ui = join(root, 'ui');
    mkdirSync(ui);
    writeFileSync(join(ui, 'index.html'), '<!doctype html><title>Trove</title>');
    writeFileSync(join(root, 'secret.txt'), 'not for the browser');
    service = await startEngine({ init: { dataDir: join(root, 'data') } });
    host = await startWebHost({ service, rendererDir: ui });
  });

  after(async () => {
    await host?.close();
    await service?.close();
    rmSync(root, { recursive: true, force: true });
  });

  test('listens on 127.0.0.1 and prints an address with a long random token', () => {
    assert.match(host.url, /^http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]{24,}$/);
  });

  test('refuses the page and the API without the token (401)', async () => {
    const page = await send(host, '/');
    assert.equal(page.status, 401);
    assert.match(page.json().error!.message, /token/);
    const api = await send(host, '/api/status', { method: 'POST', body: '[]' });
    assert.equal(api.status, 401);
    const wrong = await call(host, 'status', [], { 'x-trove-token': host.token.slice(1) + 'x' });
    assert.equal(wrong.status, 401);
  });

  test('serves the UI with the token, with a strict CSP, and remembers the token in a cookie', async () => {
    const page = await send(host, `/?token=${host.token}`);
    assert.equal(page.status, 200);
    assert.match(page.body, /<title>Trove<\/title>/);
    assert.match(String(page.headers['content-security-policy']), /default-src 'self'; script-src 'self'/);
    const cookie = String(page.headers['set-cookie']).split(';')[0];
    assert.match(String(page.headers['set-cookie']), /HttpOnly; SameSite=Strict/);
    const again = await send(host, '/', { headers: { cookie } });
    assert.equal(again.status, 200);
  });

  test('answers API calls from its own page', async () => {
    const reply = await call(host, 'status', [], { origin: `http://127.0.0.1:${host.port}` });
    assert.equal(reply.status, 200);
    assert.ok(['idle', 'scanning', 'indexing', 'paused'].includes((reply.json().result as { state: string }).state));
  });

  test('refuses other origins and other host names (403), even with the token', async () => {
    const cross = await call(host, 'status', [], { origin: 'http://evil.example' });
    assert.equal(cross.status, 403);
    assert.match(cross.json().error!.message, /evil\.example/);
    const rebinding = await call(host, 'listFolders', [], { host: `evil.example:${host.port}` });
    assert.equal(rebinding.status, 403);
    const otherPort = await call(host, 'listFolders', [], { origin: `http://127.0.0.1:${host.port + 1}` });
    assert.equal(otherPort.status, 403);
  });

  test('bad arguments get a 400 that says which argument and why', async () => {
    const cases: [string, unknown, RegExp][] = [
      ['search', [{ text: 5 }], /^search: argument 0\.text: /],
      ['search', [{ text: 'x'.repeat(10_001) }], /longer than 10000 characters/],
      ['search', [{ text: '   ' }], /query is empty/],
      ['search', [{ text: 'ok', extra: 1 }], /search: .*extra/],
      ['search', [], /search: /],
      ['preview', ['relative/path.txt', 0, 10], /path must be absolute/],
      ['addFolder', ['/tmp', 'extra'], /addFolder: /],
      ['setSettings', [{ theme: 'purple' }], /setSettings: argument 0\.theme/],
      ['setSettings', [{ device: 'tpu' }], /setSettings: argument 0\.device/],
      ['status', '{not json', /not valid JSON/],
      ['status', { not: 'a list' }, /arguments must be a list/],
    ];
    for (const [method, args, message] of cases) {
      const reply = await call(host, method, args);
      assert.equal(reply.status, 400, `${method} ${JSON.stringify(args).slice(0, 60)}`);
      const error = reply.json().error!;
      assert.equal(error.name, 'InvalidArgumentsError');
      assert.match(error.message, message);
    }
  });

  test('question-bank calls: bad base64, an oversized file and a missing bank get a 400 that says why', async () => {
    const csv = Buffer.from('question,answer\nHow do I reset my password?,Use the link on the sign-in page.\n').toString('base64');
    const cases: [string, unknown, RegExp][] = [
      ['importBank', ['faq.csv', 'not base64!!', { bank: 'faq' }], /importBank: argument 1: the file content is not valid base64/],
      ['importBank', ['faq.csv', 'QUJD=', { bank: 'faq' }], /not valid base64/],
      ['importBank', ['faq.csv', '', { bank: 'faq' }], /the file is empty/],
      ['importBank', ['faq.csv', csv, {}], /importBank: argument 2\.bank/],
      ['importBank', ['faq.csv', csv, { bank: '  ' }], /bank name is empty/],
      ['importBank', ['../faq.csv', csv, { bank: 'faq' }], /file name must not contain a folder/],
      ['importBank', ['faq.csv', csv, { bank: 'faq', sheet: 2 }], /importBank: .*sheet/],
      ['askQuestion', ['faq', '   '], /text is empty/],
      ['askQuestion', ['faq', 'hi', 500], /askQuestion: argument 2/],
      ['findDuplicates', ['faq', 1.5], /findDuplicates: argument 1/],
      ['reviewDuplicate', ['faq', 1, 2, 'delete'], /reviewDuplicate: argument 3/],
      ['findClusters', [], /findClusters: /],
    ];
    for (const [method, args, message] of cases) {
      const reply = await call(host, method, args);
      assert.equal(reply.status, 400, `${method} ${JSON.stringify(args).slice(0, 60)}`);
      assert.match(reply.json().error!.message, message);
    }

    // Just over 50 MB of base64 is refused by the schema; far over it, before the body is read in full.
    const over = 'A'.repeat(Math.ceil((50 * 1024 * 1024) / 3) * 4 + 4);
    const big = await call(host, 'importBank', ['faq.csv', over, { bank: 'faq' }]);
    assert.equal(big.status, 400);
    assert.match(big.json().error!.message, /the file is larger than 50 MB/);
    const huge = await call(host, 'importBank', ['faq.csv', over + over, { bank: 'faq' }]);
    assert.equal(huge.status, 400);
    assert.match(huge.json().error!.message, /importBank: the file is larger than 50 MB/);

    const missing = await call(host, 'askQuestion', ['no such bank', 'How do I reset my password?']);
    assert.equal(missing.status, 400);
    assert.match(missing.json().error!.message, /no question bank named "no such bank"/);

    // The same bytes, well formed, make a bank that answers.
    const imported = await call(host, 'importBank', ['faq.csv', csv, { bank: 'faq' }]);
    assert.equal(imported.status, 200, imported.body);
    assert.equal((imported.json().result as { added: number }).added, 1);
    const asked = await call(host, 'askQuestion', ['faq', 'I forgot my password', 1]);
    const [match] = asked.json().result as { question: string; answer: string }[];
    assert.equal(match.answer, 'Use the link on the sign-in page.');
  });

  test('unknown methods are 404 and GET on a method is 405', async () => {
    const unknown = await call(host, 'deleteEverything', []);
    assert.equal(unknown.status, 404);
    assert.match(unknown.json().error!.message, /unknown method "deleteEverything"/);
    const get = await send(host, '/api/status', { headers: { 'x-trove-token': host.token } });
    assert.equal(get.status, 405);
  });

  test('a preview of a file outside the indexed folders is refused with a reason', async () => {
    const reply = await call(host, 'preview', [join(root, 'secret.txt'), 0, 10]);
    assert.ok(reply.status >= 400);
    assert.match(reply.json().error!.message, /secret\.txt .*(not inside an indexed folder|not indexed)/);
    assert.doesNotMatch(reply.body, /not for the browser/);
  });

  test('desktop-only calls are refused with a reason', async () => {
    const reply = await call(host, 'openFile', [join(root, 'secret.txt')]);
    assert.equal(reply.status, 400);
    assert.match(reply.json().error!.message, /desktop app/);
    const pick = await call(host, 'pickFolder', []);
    assert.equal(pick.status, 200);
    assert.equal(pick.json().result, null);
  });

  test('files outside the built UI cannot be fetched', async () => {
    for (const path of ['/../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt']) {
      const reply = await send(host, path, { headers: { 'x-trove-token': host.token } });
      assert.equal(reply.status, 404, path);
      assert.doesNotMatch(reply.body, /not for the browser/);
    }
  });

  test('streams events to a page with the token, and not to one without', async () => {
    const denied = await send(host, '/api/events');
    assert.equal(denied.status, 401);
    const stream = await send(host, `/api/events?token=${host.token}`);
    assert.equal(stream.status, 200);
    assert.match(String(stream.headers['content-type']), /^text\/event-stream/);
    assert.match(stream.body, /^: connected/);
  });
});
