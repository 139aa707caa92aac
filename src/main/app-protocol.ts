/**
 * Where the window's page comes from, and how the built UI is served under our own scheme
 * (`trove://app/…`) rather than `file://`: a `file://` page shares its origin with every file on the
 * disk, while `trove://app` is an origin of its own whose responses carry the CSP header. Plain Node
 * (no electron import): ./security registers the scheme and hands each request to appResponse.
 */
import { readFile } from 'node:fs/promises';
import { extname, isAbsolute, join, relative } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../shared/csp';

export const APP_SCHEME = 'trove';
export const APP_HOST = 'app';
/** The built UI's page, as the window loads it. */
export const APP_PAGE = `${APP_SCHEME}://${APP_HOST}/index.html`;

/**
 * The page the window shows: `electron-vite dev`'s server (it sets ELECTRON_RENDERER_URL) when
 * running from the repo, else the built UI. A packaged app ignores the variable, so no environment
 * can point the installed app's window (and its preload API) at another page; a dev server off this
 * machine is refused too.
 */
export function rendererUrl(app: { isPackaged: boolean }, env: NodeJS.ProcessEnv = process.env): string {
  const devServer = env.ELECTRON_RENDERER_URL;
  if (app.isPackaged || !devServer) return APP_PAGE;
  return isLoopbackHttp(devServer) ? devServer : APP_PAGE;
}

function isLoopbackHttp(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const { protocol, hostname } = new URL(url);
  return (protocol === 'http:' || protocol === 'https:') && ['localhost', '127.0.0.1', '[::1]'].includes(hostname);
}

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/**
 * The file inside `root` (the built renderer folder) that a `trove://app/…` URL names, or null for
 * anything else: another scheme or host, a `.` or `..` segment (also percent-encoded), an encoded
 * slash or backslash, a drive letter or NUL, or a path that would land outside `root`. Segments are
 * decoded one by one after splitting, so `..%2f` cannot become a separator.
 */
export function appFilePath(url: string, root: string): string | null {
  if (!URL.canParse(url)) return null;
  const parsed = new URL(url);
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return null;
  const raw = parsed.pathname === '/' ? ['index.html'] : parsed.pathname.slice(1).split('/');
  const segments: string[] = [];
  for (const part of raw) {
    let segment: string;
    try {
      segment = decodeURIComponent(part);
    } catch {
      return null;
    }
    if (segment === '' || segment === '.' || segment === '..' || /[/\\:\0]/.test(segment)) return null;
    segments.push(segment);
  }
  const file = join(root, ...segments);
  const inside = relative(root, file);
  return inside && !inside.startsWith('..') && !isAbsolute(inside) ? file : null;
}

/** The headers of a served file: its type by extension, no sniffing, and the CSP on every page. */
export function appHeaders(file: string): Record<string, string> {
  const type = contentTypes[extname(file).toLowerCase()] ?? 'application/octet-stream';
  const headers: Record<string, string> = { 'content-type': type, 'x-content-type-options': 'nosniff' };
  if (type.startsWith('text/html')) headers['content-security-policy'] = CONTENT_SECURITY_POLICY;
  return headers;
}

const notFound = (): Response => new Response('not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });

/** The answer to one request for our scheme: a file of the built UI, or 404 (405 for a method other than GET/HEAD). */
export async function appResponse(request: { method: string; url: string }, root: string): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return new Response('method not allowed', { status: 405 });
  const file = appFilePath(request.url, root);
  if (!file) return notFound();
  let body: Buffer;
  try {
    // readFile rather than stat-then-read: one call, and Electron's fs reads inside the asar the same way.
    body = await readFile(file);
  } catch {
    return notFound(); // missing, or a folder
  }
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers: appHeaders(file) });
}
