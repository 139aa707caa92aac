/**
 * The downloader against a hub on 127.0.0.1 started here, serving the real shipped model folder in the
 * Hugging Face URL layout: HEAD on an LFS file answers 302 with X-Linked-Etag (sha256) and
 * X-Linked-Size, GET redirects to a storage URL that honours Range. Faults are switched per test:
 * a 404, a connection dropped mid-file, a body with the wrong bytes, a slow server.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { defaultModelDir } from '../../../src/core/embed/model-files';
import { downloadFromHub, DownloadError, type DownloadProgress } from '../../../src/core/models/hub-download';
import { ModelLibrary } from '../../../src/core/models/model-library';
import type { CatalogueModel } from '../../../src/shared/models';

const model = defaultModelDir();
const REPO = 'sentence-transformers/all-MiniLM-L6-v2';
const REV = 'c9745ed1d9f207416be6d2e6f8de32d1f16199bf';
const FILES = ['modules.json', 'config_sentence_transformers.json', 'sentence_bert_config.json', '1_Pooling/config.json', 'config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'onnx/model.onnx'];
const LFS = new Set(['onnx/model.onnx', 'tokenizer.json']);
const sha = (p: string) => createHash('sha256').update(readFileSync(p)).digest('hex');
const graphBytes = statSync(join(model, 'onnx', 'model.onnx')).size;

type Fault = 'none' | 'drop-once' | 'wrong-body' | 'slow' | 'ignore-range';
let fault: Fault = 'none';
let dropped = false;
const ranges: Array<string | undefined> = [];
let server: Server;
let endpoint: string;
let work: string;

function serve(req: IncomingMessage, res: ServerResponse): void {
  const url = new URL(req.url!, 'http://x');
  const resolve = url.pathname.match(/^\/(.+?\/.+?)\/resolve\/([^/]+)\/(.+)$/);
  if (resolve) {
    const [, repo, rev, file] = resolve.map(decodeURIComponent);
    const path = join(model, file);
    if (repo !== REPO || rev !== REV || !FILES.includes(file) || !existsSync(path)) {
      res.writeHead(404, { 'X-Error-Code': 'EntryNotFound' }).end('Entry not found');
      return;
    }
    if (LFS.has(file)) {
      // As the hub: the sha256 of the LFS object on the resolve response, then a redirect to storage.
      res.writeHead(302, { Location: `/lfs/${file}`, 'X-Linked-Etag': `"${sha(path)}"`, 'X-Linked-Size': String(statSync(path).size), ETag: '"0123456789abcdef0123456789abcdef01234567"' }).end();
      return;
    }
    const body = readFileSync(path);
    res.writeHead(200, { 'Content-Length': body.length, ETag: `"${createHash('sha1').update(body).digest('hex')}"` });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  const lfs = url.pathname.match(/^\/lfs\/(.+)$/);
  if (!lfs) {
    res.writeHead(404).end();
    return;
  }
  const file = decodeURIComponent(lfs[1]);
  let body = readFileSync(join(model, file));
  if (fault === 'wrong-body' && file === 'onnx/model.onnx') {
    body = Buffer.from(body);
    body[body.length >> 1] ^= 0xff;
  }
  if (file === 'onnx/model.onnx') ranges.push(req.headers.range);
  const range = fault === 'ignore-range' ? undefined : req.headers.range?.match(/^bytes=(\d+)-$/);
  const start = range ? Number(range[1]) : 0;
  const part = body.subarray(start);
  res.writeHead(range ? 206 : 200, { 'Content-Length': part.length, ...(range ? { 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}) });
  if (fault === 'drop-once' && file === 'onnx/model.onnx' && !dropped) {
    dropped = true;
    res.write(part.subarray(0, part.length >> 1), () => res.destroy());
    return;
  }
  if (fault === 'slow' && file === 'onnx/model.onnx') {
    let at = 0;
    const tick = setInterval(() => {
      if (res.destroyed || at >= part.length) {
        clearInterval(tick);
        res.end();
        return;
      }
      res.write(part.subarray(at, at + 256 * 1024));
      at += 256 * 1024;
    }, 50);
    res.on('close', () => clearInterval(tick));
    return;
  }
  res.end(part);
}

before(async () => {
  server = createServer(serve);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
});
beforeEach(() => {
  fault = 'none';
  dropped = false;
  ranges.length = 0;
  work = mkdtempSync(join(tmpdir(), 'trove-hub-'));
});
const cleanup = () => rmSync(work, { recursive: true, force: true });

test('a whole model arrives verified, with progress in bytes, rate and ETA', async () => {
  const progress: DownloadProgress[] = [];
  const dest = join(work, 'model');
  await downloadFromHub({ endpoint, repo: REPO, revision: REV, files: FILES, dest, onProgress: (p) => progress.push(p) });
  for (const f of FILES) assert.equal(sha(join(dest, f)), sha(join(model, f)), f);
  assert.ok(!existsSync(`${dest}.partial`));
  const last = progress.at(-1)!;
  assert.equal(last.bytesDone, last.bytesTotal);
  assert.ok(last.bytesTotal >= graphBytes);
  assert.ok(progress.some((p) => p.bytesPerSecond > 0 && p.etaSeconds !== null));
  cleanup();
});

test('a 404 names the file and the URL', async () => {
  await assert.rejects(
    downloadFromHub({ endpoint, repo: REPO, revision: 'deadbeef', files: FILES, dest: join(work, 'm') }),
    (err: DownloadError) => err.code === 'not-found' && /modules\.json not found at http:\/\/127\.0\.0\.1:\d+\/sentence-transformers\/all-MiniLM-L6-v2\/resolve\/deadbeef\/modules\.json \(HTTP 404\)/.test(err.message),
  );
  cleanup();
});

test('a connection dropped mid-file resumes with a Range request and the file verifies', async () => {
  fault = 'drop-once';
  const dest = join(work, 'model');
  await downloadFromHub({ endpoint, repo: REPO, revision: REV, files: FILES, dest });
  assert.equal(sha(join(dest, 'onnx', 'model.onnx')), sha(join(model, 'onnx', 'model.onnx')));
  assert.equal(ranges[0], undefined);
  const resumedAt = Number(ranges[1]?.match(/^bytes=(\d+)-$/)?.[1]);
  assert.ok(resumedAt > 0 && resumedAt < graphBytes, `second request asked for ${ranges[1]}`);
  cleanup();
});

test('a cut that outlasts the retries keeps the part; the next call resumes from it', async () => {
  fault = 'drop-once';
  const dest = join(work, 'model');
  await assert.rejects(downloadFromHub({ endpoint, repo: REPO, revision: REV, files: FILES, dest, attempts: 1 }), (err: DownloadError) => {
    assert.equal(err.code, 'interrupted');
    assert.match(err.message, /onnx\/model\.onnx: \d+ of \d+ bytes kept; getting the model again resumes/);
    return true;
  });
  const kept = statSync(join(`${dest}.partial`, 'onnx', 'model.onnx.part')).size;
  assert.ok(kept > 0 && kept < graphBytes);
  await downloadFromHub({ endpoint, repo: REPO, revision: REV, files: FILES, dest });
  assert.equal(ranges.at(-1), `bytes=${kept}-`);
  assert.equal(sha(join(dest, 'onnx', 'model.onnx')), sha(join(model, 'onnx', 'model.onnx')));
  cleanup();
});

test('a body that does not match the sha256 the hub reports is refused and deleted', async () => {
  fault = 'wrong-body';
  const dest = join(work, 'model');
  await assert.rejects(downloadFromHub({ endpoint, repo: REPO, revision: REV, files: FILES, dest }), (err: DownloadError) => {
    assert.equal(err.code, 'hash-mismatch');
    assert.match(err.message, /onnx\/model\.onnx is damaged: sha256 [0-9a-f]{12}…, the hub says [0-9a-f]{12}…/);
    return true;
  });
  assert.ok(!existsSync(join(`${dest}.partial`, 'onnx', 'model.onnx.part')));
  assert.ok(!existsSync(dest));
  cleanup();
});

test('a server that ignores Range restarts the file instead of appending a second copy', async () => {
  fault = 'drop-once';
  const dest = join(work, 'model');
  await assert.rejects(downloadFromHub({ endpoint, repo: REPO, revision: REV, files: FILES, dest, attempts: 1 }));
  fault = 'ignore-range';
  await downloadFromHub({ endpoint, repo: REPO, revision: REV, files: FILES, dest });
  assert.equal(sha(join(dest, 'onnx', 'model.onnx')), sha(join(model, 'onnx', 'model.onnx')));
  cleanup();
});

test('a slow download can be cancelled; what arrived is kept', async () => {
  fault = 'slow';
  const controller = new AbortController();
  const dest = join(work, 'model');
  let seen = 0;
  const run = downloadFromHub({
    endpoint, repo: REPO, revision: REV, files: FILES, dest, signal: controller.signal,
    onProgress: (p) => {
      seen = p.bytesDone;
      if (p.file === 'onnx/model.onnx' && p.bytesDone > 2_000_000) controller.abort();
    },
  });
  const t0 = performance.now();
  await assert.rejects(run, (err: DownloadError) => err.code === 'cancelled');
  assert.ok(performance.now() - t0 < 10_000);
  assert.ok(seen < graphBytes);
  assert.ok(statSync(join(`${dest}.partial`, 'onnx', 'model.onnx.part')).size > 0);
  cleanup();
});

test('an unreachable hub says so in words', async () => {
  // A port that was just free: nothing listens there.
  const probe = createServer();
  await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
  const port = (probe.address() as AddressInfo).port;
  await new Promise((r) => probe.close(r));
  await assert.rejects(downloadFromHub({ endpoint: `http://127.0.0.1:${port}`, repo: REPO, revision: REV, files: FILES, dest: join(work, 'm') }), (err: DownloadError) => {
    assert.equal(err.code, 'offline');
    assert.match(err.message, new RegExp(`cannot reach http://127\\.0\\.0\\.1:${port} \\(ECONNREFUSED\\): check the network connection, or set a hub mirror`));
    return true;
  });
  cleanup();
});

test('the model manager downloads from the configured endpoint, verifies, installs, and the model embeds', async () => {
  const entry: CatalogueModel = { name: 'minilm-from-hub', label: 'test', repo: REPO, revision: REV, files: FILES, bytes: graphBytes, languages: ['en'], dimension: 384, similarity: 'cosine', licence: 'Apache-2.0' };
  const library = new ModelLibrary({ dataDir: work, catalogue: [entry] });
  library.setEndpoint(endpoint);
  library.startDownload('minilm-from-hub');
  assert.equal(library.overview().models[0].download?.state, 'downloading');
  await library.whenDownloaded('minilm-from-hub');
  const listed = library.overview().models.find((m) => m.name === 'minilm-from-hub')!;
  assert.equal(listed.download, null, JSON.stringify(listed.download));
  assert.equal(listed.installed, true);
  assert.equal(listed.id, REPO);
  library.use('minilm-from-hub');
  assert.equal(library.currentDir(), join(work, 'models', 'minilm-from-hub'));
  const manifest = JSON.parse(readFileSync(join(work, 'models', 'minilm-from-hub', 'manifest.json'), 'utf8')) as { files: Record<string, { sha256: string }> };
  assert.equal(manifest.files['onnx/model.onnx'].sha256, sha(join(model, 'onnx', 'model.onnx')));
  assert.throws(() => library.remove('minilm-from-hub'), /is the model in use/);
  cleanup();
});
