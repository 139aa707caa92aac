/**
 * The downloader against a hub on 127.0.0.1 started here, serving the real shipped model folder (and
 * the tiny cross-encoder fixture, as a re-ranker's repository) in the Hugging Face URL layout: HEAD on
 * an LFS file answers 302 with X-Linked-Etag (sha256) and X-Linked-Size, GET redirects to a storage
 * URL that honours Range. Faults are switched per test: a 404, a connection dropped mid-file, a body
 * with the wrong bytes, a slow server.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, test } from 'node:test';
import { defaultModelDir, shippedModelsDir } from '../../../src/core/embed/model-files';
import { downloadFromHub, DownloadError, type DownloadProgress } from '../../../src/core/models/hub-download';
import { ModelLibrary } from '../../../src/core/models/model-library';
import type { CatalogueModel } from '../../../src/shared/models';

const model = defaultModelDir();
const REPO = 'sentence-transformers/all-MiniLM-L6-v2';
const REV = 'c9745ed1d9f207416be6d2e6f8de32d1f16199bf';
const FILES = ['modules.json', 'config_sentence_transformers.json', 'sentence_bert_config.json', '1_Pooling/config.json', 'config.json', 'tokenizer.json', 'tokenizer_config.json', 'special_tokens_map.json', 'onnx/model.onnx'];
const LFS = new Set(['onnx/model.onnx', 'tokenizer.json']);
/** A re-ranker's repository as the hub holds one: config, tokenizer and ONNX graph, no manifest. */
const CE_REPO = 'trove/tiny-cross-encoder';
const CE_REV = '0123456789abcdef0123456789abcdef01234567';
const CE_FILES = ['config.json', 'config_sentence_transformers.json', 'tokenizer.json', 'tokenizer_config.json', 'onnx/model.onnx'];
const TINY = join(shippedModelsDir(), 'test-fixtures', 'tiny-cross-encoder');
/** What the hub serves: each repository's one revision, its folder here and its files. */
const REPOS: Record<string, { rev: string; dir: string; files: string[] }> = {
  [REPO]: { rev: REV, dir: model, files: FILES },
  [CE_REPO]: { rev: CE_REV, dir: TINY, files: CE_FILES },
};
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
    const served = REPOS[repo];
    const path = join(served?.dir ?? model, file);
    if (!served || rev !== served.rev || !served.files.includes(file) || !existsSync(path)) {
      res.writeHead(404, { 'X-Error-Code': 'EntryNotFound' }).end('Entry not found');
      return;
    }
    if (LFS.has(file)) {
      // As the hub: the sha256 of the LFS object on the resolve response, then a redirect to storage.
      res.writeHead(302, { Location: `/lfs/${encodeURIComponent(repo)}/${file}`, 'X-Linked-Etag': `"${sha(path)}"`, 'X-Linked-Size': String(statSync(path).size), ETag: '"0123456789abcdef0123456789abcdef01234567"' }).end();
      return;
    }
    const body = readFileSync(path);
    res.writeHead(200, { 'Content-Length': body.length, ETag: `"${createHash('sha1').update(body).digest('hex')}"` });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  const lfs = url.pathname.match(/^\/lfs\/([^/]+)\/(.+)$/);
  if (!lfs || !REPOS[decodeURIComponent(lfs[1])]) {
    res.writeHead(404).end();
    return;
  }
  const file = decodeURIComponent(lfs[2]);
  let body = readFileSync(join(REPOS[decodeURIComponent(lfs[1])].dir, file));
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

test('a re-ranker downloads as one: its manifest says cross-encoder, it is listed as a re-ranker with what it is for, found for searches, refused as the model in use', async () => {
  const entry: CatalogueModel = {
    name: 'tiny-reranker',
    label: 'tiny re-ranker (from the hub)',
    kind: 'reranker',
    purpose: 'Re-orders search results (test fixture).',
    repo: CE_REPO,
    revision: CE_REV,
    files: CE_FILES,
    bytes: statSync(join(TINY, 'onnx', 'model.onnx')).size,
    languages: ['en'],
    dimension: 1,
    similarity: 'cosine',
    licence: 'Apache-2.0',
  };
  const library = new ModelLibrary({ dataDir: work, catalogue: [entry] });
  library.setEndpoint(endpoint);
  assert.throws(() => library.reranker('tiny-reranker', true), /re-ranker tiny-reranker is not downloaded yet \(no re-ranker is installed; download it in Settings → Models or with `trove models get tiny-reranker`\)/);
  // Through the background download the UI uses, proven by scoring a pair in a real embedding process.
  library.startDownload('tiny-reranker');
  await library.whenDownloaded('tiny-reranker');
  const listed = library.overview().models.find((m) => m.name === 'tiny-reranker')!;
  assert.equal(listed.download, null, JSON.stringify(listed.download));
  assert.deepEqual(
    [listed.kind, listed.installed, listed.id, listed.label, listed.purpose, listed.languages, listed.licence, listed.source, listed.current],
    ['reranker', true, CE_REPO, 'tiny re-ranker (from the hub)', 'Re-orders search results (test fixture).', ['en'], 'Apache-2.0', 'hub', false],
  );
  const dir = join(work, 'models', 'tiny-reranker');
  assert.equal(listed.bytes, CE_FILES.reduce((n, f) => n + statSync(join(dir, f)).size, 0));
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { kind: string; files: Record<string, { sha256: string }> };
  assert.equal(manifest.kind, 'cross-encoder');
  assert.equal(manifest.files['onnx/model.onnx'].sha256, sha(join(TINY, 'onnx', 'model.onnx')));
  assert.deepEqual(library.reranker('tiny-reranker'), { name: 'tiny-reranker', label: 'tiny re-ranker (from the hub)', dir });
  assert.deepEqual(library.reranker(CE_REPO)?.name, 'tiny-reranker', 'found by its repository too');
  // It cannot embed: choosing it as the model in use is refused, saying what it is for.
  assert.throws(() => library.use('tiny-reranker'), /tiny-reranker is a re-ranker \(a cross-encoder\).*cannot index files/);
  assert.equal(library.currentName(), 'all-MiniLM-L6-v2');
  cleanup();
});
