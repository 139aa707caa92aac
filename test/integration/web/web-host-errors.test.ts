/**
 * Issue 12 item 11: the web host against the real engine answers path errors with the status a client
 * can act on (400/403/404, never 500), serves many event-stream clients without a listener-leak warning,
 * and answers a preview with a huge `end` with a bounded window of text.
 */
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { startEngine, type EngineClient } from '../../../src/core/host/engine-client';
import { startWebHost, type WebHost } from '../../../src/web/server';
import { scifactDocs, tempDir, writeDocs } from '../indexing/helpers';

let root: string;
let docs: string;
let service: EngineClient;
let host: WebHost;

function call(method: string, args: unknown[]): Promise<{ status: number; body: { result?: unknown; error?: { name: string; message: string } } }> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: '127.0.0.1', port: host.port, path: `/api/${method}`, method: 'POST', headers: { 'content-type': 'application/json', 'x-trove-token': host.token } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(body) }));
      },
    );
    req.on('error', reject);
    req.end(JSON.stringify(args));
  });
}

/** An open event stream; resolves once connected, closes on `close()`. */
function openStream(): Promise<() => void> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: host.port, path: `/api/events?token=${host.token}` }, (res) => {
      res.once('data', () => resolve(() => req.destroy()));
    });
    req.on('error', reject);
    req.end();
  });
}

before(async () => {
  root = tempDir('web-errors');
  docs = join(root, 'docs');
  writeDocs(docs, scifactDocs(3, 200));
  // A long real text: every SciFact abstract from 0 to 400 in one file (about 600 KB).
  writeFileSync(join(docs, 'long.txt'), scifactDocs(400).map((d) => `${d.title}\n\n${d.text}`).join('\n\n'));
  writeFileSync(join(docs, 'tool.exe'), 'MZ not indexed');
  mkdirSync(join(root, 'elsewhere'));
  writeFileSync(join(root, 'elsewhere', 'secret.txt'), 'outside every folder');
  service = await startEngine({ init: { dataDir: join(root, 'data') } });
  await service.addFolder(docs);
  await service.whenIdle();
  host = await startWebHost({ service, rendererDir: join(root, 'no-ui') });
});
after(async () => {
  await host?.close();
  await service?.close();
  rmSync(root, { recursive: true, force: true });
});

test('path errors are 400, 403 or 404 with the typed error name, never 500', async () => {
  const cases: [string, unknown[], number, string, RegExp][] = [
    ['preview', [join(root, 'elsewhere', 'secret.txt'), 0, 10], 403, 'OutsideFoldersError', /not inside an indexed folder/],
    ['preview', [join(docs, 'gone.txt'), 0, 10], 404, 'NotFoundError', /does not exist/],
    ['preview', [join(docs, 'tool.exe'), 0, 10], 404, 'NotIndexedError', /not in the index/],
    ['addFolder', [join(root, 'no-such-folder')], 404, 'NotFoundError', /not a folder that Trove can read/],
    ['addFolder', [join(docs, 'sub')], 404, 'NotFoundError', /not a folder/],
    ['addFolder', [root], 400, 'FolderOverlapError', /overlaps the indexed folder/],
    ['removeFolder', [join(root, 'elsewhere')], 404, 'NotFoundError', /not an indexed folder/],
    ['openFile', [join(docs, 'long.txt')], 400, 'DesktopOnlyError', /desktop app/],
  ];
  for (const [method, args, status, name, message] of cases) {
    const reply = await call(method, args);
    assert.equal(reply.status, status, `${method} ${String(args[0])}: ${JSON.stringify(reply.body)}`);
    assert.equal(reply.body.error?.name, name);
    assert.match(reply.body.error?.message ?? '', message);
  }
});

test('more than ten event-stream clients raise no MaxListenersExceededWarning', async () => {
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  process.on('warning', onWarning);
  const closers = await Promise.all(Array.from({ length: 25 }, openStream));
  await new Promise((r) => setTimeout(r, 200));
  for (const close of closers) close();
  process.off('warning', onWarning);
  assert.deepEqual(warnings.map((w) => `${w.name}: ${w.message}`), []);
});

test('a preview with a huge end returns a bounded window, not the whole file', async () => {
  const reply = await call('preview', [join(docs, 'long.txt'), 0, 2 ** 40]);
  assert.equal(reply.status, 200);
  const preview = reply.body.result as { text: string; passage: { start: number; end: number } };
  assert.ok(preview.text.length <= 5000 + 1200, `${preview.text.length} characters`);
  assert.equal(preview.passage.start, 0);
  assert.ok(preview.passage.end <= 5000);
});
