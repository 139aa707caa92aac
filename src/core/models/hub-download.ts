/**
 * Fetches files of one pinned revision of a Hugging Face repository, from the hub or a mirror that
 * keeps its URL layout ({endpoint}/{repo}/resolve/{revision}/{file}, the layout @huggingface/transformers
 * builds from env.remoteHost and env.remotePathTemplate). Its own fetcher is not used: it neither
 * resumes a cut transfer nor checks a file against the sha256 the hub publishes, and a 470 MB model
 * over a flaky line needs both.
 *
 * - The hub answers a HEAD on an LFS file with its sha256 in X-Linked-Etag (and the size in
 *   X-Linked-Size) before redirecting to the storage; every such file is checked against it.
 * - Bytes go to `<file>.part` in a staging folder; a cut connection is retried with a Range request
 *   from where the part ends, and a later call resumes the same way.
 * - Free space is checked before the first byte; errors say what happened in words and name the file.
 */
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdirSync, renameSync, rmSync, statSync, statfsSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { dirname, join } from 'node:path';

export type DownloadErrorCode = 'offline' | 'not-found' | 'http' | 'hash-mismatch' | 'no-space' | 'cancelled' | 'interrupted';

/** A download failed; `code` says how, the message says it for people. */
export class DownloadError extends Error {
  override name = 'DownloadError';
  constructor(
    message: string,
    readonly code: DownloadErrorCode,
  ) {
    super(message);
  }
}

export interface DownloadProgress {
  file: string;
  bytesDone: number;
  bytesTotal: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
}

export interface HubDownloadOptions {
  /** Hub root, e.g. https://huggingface.co or a mirror. */
  endpoint: string;
  /** "owner/name". */
  repo: string;
  /** Commit (or branch) to fetch. */
  revision: string;
  /** Paths inside the repository. */
  files: readonly string[];
  /** Final folder; written only when every file is complete and verified. */
  dest: string;
  signal?: AbortSignal;
  onProgress?: (p: DownloadProgress) => void;
  /** Attempts per file when the connection drops (default 4). */
  attempts?: number;
  /** A transfer that delivers nothing for this long is cut and resumed (default 30 s). */
  stallMs?: number;
  /** Free bytes to keep beyond the download (default 100 MB). */
  reserveBytes?: number;
}

interface RemoteFile {
  path: string;
  url: string;
  bytes: number | null;
  /** From X-Linked-Etag (LFS files); small git files have no sha256 from the hub. */
  sha256: string | null;
}

/** `{endpoint}/{repo}/resolve/{revision}/{file}` with each path segment escaped. */
export function resolveUrl(endpoint: string, repo: string, revision: string, file: string): string {
  const enc = (p: string) => p.split('/').map(encodeURIComponent).join('/');
  return `${endpoint.replace(/\/+$/, '')}/${enc(repo)}/resolve/${encodeURIComponent(revision)}/${enc(file)}`;
}

function describeNetworkError(err: unknown, url: string): DownloadError {
  const cause = (err as { cause?: { code?: string; message?: string } }).cause;
  const why = cause?.code ?? cause?.message ?? (err as Error).message;
  return new DownloadError(
    `cannot reach ${new URL(url).origin} (${why}): check the network connection, or set a hub mirror as the download endpoint`,
    'offline',
  );
}

const stripEtag = (v: string | null) => (v ?? '').replace(/^W\//, '').replace(/"/g, '').trim().toLowerCase();

async function describeRemote(options: HubDownloadOptions, path: string): Promise<RemoteFile> {
  const url = resolveUrl(options.endpoint, options.repo, options.revision, path);
  let res: Response | undefined;
  for (let attempt = 1; !res; attempt++) {
    try {
      // Not following the redirect: the hub puts the LFS sha256 on this response, not on the storage's.
      res = await fetch(url, { method: 'HEAD', redirect: 'manual', signal: options.signal, headers: { 'Accept-Encoding': 'identity' } });
    } catch (err) {
      if (options.signal?.aborted) throw new DownloadError('download cancelled', 'cancelled');
      // A kept-alive connection the server already closed fails once; a host that is down fails every time.
      if (attempt >= 3) throw describeNetworkError(err, url);
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
  if (res.status === 404) throw new DownloadError(`${path} not found at ${url} (HTTP 404): the repository, revision or file does not exist on this hub`, 'not-found');
  if (res.status >= 400) throw new DownloadError(`${path}: the hub answered HTTP ${res.status} for ${url}`, 'http');
  const linked = stripEtag(res.headers.get('x-linked-etag'));
  const etag = stripEtag(res.headers.get('etag'));
  const sha256 = /^[0-9a-f]{64}$/.test(linked) ? linked : /^[0-9a-f]{64}$/.test(etag) ? etag : null;
  const size = Number(res.headers.get('x-linked-size') ?? (res.status < 300 ? res.headers.get('content-length') : NaN));
  return { path, url, bytes: Number.isFinite(size) && size >= 0 ? size : null, sha256 };
}

async function sha256Of(path: string): Promise<{ hash: ReturnType<typeof createHash>; bytes: number }> {
  const hash = createHash('sha256');
  let bytes = 0;
  if (existsSync(path)) {
    for await (const chunk of createReadStream(path)) {
      hash.update(chunk as Buffer);
      bytes += (chunk as Buffer).length;
    }
  }
  return { hash, bytes };
}

/** Rate over a sliding window of a few seconds, for bytes/s and ETA. */
class RateMeter {
  private samples: Array<[number, number]> = [];
  add(total: number): number {
    const now = performance.now();
    this.samples.push([now, total]);
    while (this.samples.length > 2 && now - this.samples[0][0] > 5000) this.samples.shift();
    const [t0, b0] = this.samples[0];
    return now - t0 > 0 ? ((total - b0) * 1000) / (now - t0) : 0;
  }
}

/** Download every file into `dest`, verified; resumes from a previous attempt's staging folder. */
export async function downloadFromHub(options: HubDownloadOptions): Promise<void> {
  const staging = `${options.dest}.partial`;
  const remote: RemoteFile[] = [];
  for (const f of options.files) remote.push(await describeRemote(options, f));
  const partPath = (f: RemoteFile) => join(staging, `${f.path}.part`);
  const donePath = (f: RemoteFile) => join(staging, f.path);
  const have = (f: RemoteFile) => (existsSync(donePath(f)) ? statSync(donePath(f)).size : existsSync(partPath(f)) ? statSync(partPath(f)).size : 0);
  const total = remote.reduce((a, f) => a + (f.bytes ?? 0), 0);
  let done = remote.reduce((a, f) => a + have(f), 0);

  mkdirSync(staging, { recursive: true });
  const free = statfsSync(staging);
  const needed = total - done + (options.reserveBytes ?? 100 * 1024 * 1024);
  if (free.bavail * free.bsize < needed) {
    const mb = (n: number) => `${Math.ceil(n / 1024 / 1024)} MB`;
    throw new DownloadError(`not enough free space in ${dirname(options.dest)}: the model needs ${mb(needed)}, ${mb(free.bavail * free.bsize)} are free`, 'no-space');
  }

  const meter = new RateMeter();
  const report = (file: string) => {
    const rate = meter.add(done);
    options.onProgress?.({ file, bytesDone: done, bytesTotal: total, bytesPerSecond: rate, etaSeconds: rate > 0 ? Math.max(0, (total - done) / rate) : null });
  };

  for (const f of remote) {
    if (existsSync(donePath(f))) continue;
    mkdirSync(dirname(partPath(f)), { recursive: true });
    const attempts = options.attempts ?? 4;
    for (let attempt = 1; ; attempt++) {
      const before = existsSync(partPath(f)) ? statSync(partPath(f)).size : 0;
      try {
        await fetchInto(f, options, (n) => {
          done += n;
          report(f.path);
        });
        break;
      } catch (err) {
        const e = err instanceof DownloadError ? err : describeNetworkError(err, f.url);
        const after = existsSync(partPath(f)) ? statSync(partPath(f)).size : 0;
        if (e.code === 'cancelled' || e.code === 'not-found' || e.code === 'hash-mismatch' || attempt >= attempts) {
          if (e.code === 'interrupted' || e.code === 'offline') {
            throw new DownloadError(`${e.message} (${f.path}: ${after} of ${f.bytes ?? '?'} bytes kept; getting the model again resumes)`, e.code);
          }
          throw e;
        }
        // Progress made this attempt does not count against the budget: sleep and line drops resume.
        if (after > before) attempt = 0;
        await new Promise((r) => setTimeout(r, Math.min(250 * 2 ** Math.max(attempt, 0), 4000)));
      }
    }
    if (options.onProgress) report(f.path);
  }
  // Every file complete and verified: the folder appears whole or not at all.
  rmSync(options.dest, { recursive: true, force: true });
  renameSync(staging, options.dest);
}

/** One GET of the rest of `f`, appended to its part file; verifies and renames when complete. */
async function fetchInto(f: RemoteFile, options: HubDownloadOptions, onBytes: (n: number) => void): Promise<void> {
  const part = join(`${options.dest}.partial`, `${f.path}.part`);
  const final = join(`${options.dest}.partial`, f.path);
  const previous = await sha256Of(part);
  let hash = previous.hash;
  const had = previous.bytes;
  const controller = new AbortController();
  const abort = () => controller.abort();
  options.signal?.addEventListener('abort', abort);
  let stall: NodeJS.Timeout | undefined;
  const armStall = () => {
    clearTimeout(stall);
    stall = setTimeout(() => controller.abort(new DownloadError(`${f.path}: no data for ${(options.stallMs ?? 30_000) / 1000} s`, 'interrupted')), options.stallMs ?? 30_000);
  };
  const cancelled = () => (options.signal?.aborted ? new DownloadError('download cancelled', 'cancelled') : null);
  const fh = await open(part, had > 0 ? 'a' : 'w');
  let written = had;
  try {
    if (f.bytes !== null && had >= f.bytes && had > 0) {
      // Complete from an earlier attempt; only the check is left.
    } else {
      armStall();
      let res: Response;
      try {
        res = await fetch(f.url, { signal: controller.signal, headers: { 'Accept-Encoding': 'identity', ...(had > 0 ? { Range: `bytes=${had}-` } : {}) } });
      } catch (err) {
        throw cancelled() ?? (controller.signal.reason instanceof DownloadError ? controller.signal.reason : describeNetworkError(err, f.url));
      }
      if (res.status === 404) throw new DownloadError(`${f.path} not found at ${f.url} (HTTP 404)`, 'not-found');
      if (res.status === 416 && had > 0) {
        // The part already holds every byte.
      } else if (res.status !== 200 && res.status !== 206) {
        throw new DownloadError(`${f.path}: the hub answered HTTP ${res.status}`, 'http');
      } else {
        if (res.status === 200 && had > 0) {
          // The server ignored the Range and sends the whole file: start the part over.
          await fh.truncate(0);
          hash = createHash('sha256');
          onBytes(-had);
          written = 0;
        }
        try {
          for await (const chunk of res.body as unknown as AsyncIterable<Uint8Array>) {
            armStall();
            await fh.write(chunk);
            hash.update(chunk);
            written += chunk.length;
            onBytes(chunk.length);
          }
        } catch (err) {
          throw cancelled() ?? (controller.signal.reason instanceof DownloadError ? controller.signal.reason : new DownloadError(`connection lost while fetching ${f.path} (${(err as Error).message})`, 'interrupted'));
        }
      }
    }
  } finally {
    clearTimeout(stall);
    options.signal?.removeEventListener('abort', abort);
    await fh.close();
  }
  if (f.bytes !== null && written < f.bytes) throw new DownloadError(`connection lost while fetching ${f.path} (${written} of ${f.bytes} bytes)`, 'interrupted');
  const got = hash.digest('hex');
  if ((f.bytes !== null && written !== f.bytes) || (f.sha256 && got !== f.sha256)) {
    rmSync(part, { force: true });
    onBytes(-written);
    throw new DownloadError(
      `${f.path} is damaged: ${f.sha256 ? `sha256 ${got.slice(0, 12)}…, the hub says ${f.sha256.slice(0, 12)}…` : `${written} bytes, the hub says ${f.bytes}`}; ` +
        'the partial file was deleted, try again (or another endpoint)',
      'hash-mismatch',
    );
  }
  renameSync(part, final);
}
