/**
 * The web host: the built UI and the same typed API as the desktop app, on 127.0.0.1 only, behind a
 * random token. For the end-to-end tests (a real Chromium) and for people who prefer a browser tab.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { CONTENT_SECURITY_POLICY } from '../shared/csp';
import { EVENTS_ROUTE } from '../shared/channels';
import type { HostedTrove } from '../core/host/engine-protocol';
import { handleApiCall, handleEvents, sendError } from './api-routes';
import { foreignRequest, newToken, tokenCookie, tokenMatches } from './security';
import { resolveStatic, sendFile } from './static-files';

export interface WebHostOptions {
  service: HostedTrove;
  /** The built renderer (default `out/renderer` under the current folder). */
  rendererDir?: string;
  /** 0 (default) picks a free port. */
  port?: number;
  /** Fixed token (tests); default a fresh random one. */
  token?: string;
}

export interface WebHost {
  /** The address to open, token included. */
  url: string;
  port: number;
  token: string;
  close(): Promise<void>;
}

const securityHeaders = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export async function startWebHost(options: WebHostOptions): Promise<WebHost> {
  const token = options.token ?? newToken();
  const rendererDir = options.rendererDir ?? join(process.cwd(), 'out', 'renderer');
  let port = 0;

  function route(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const foreign = foreignRequest(req, port);
    if (foreign) return sendError(res, 403, { name: 'ForbiddenError', message: foreign }, securityHeaders);
    if (!tokenMatches(req, url, port, token)) {
      return sendError(
        res,
        401,
        { name: 'UnauthorizedError', message: 'missing or wrong token: open the address `npm run serve` printed (it ends in ?token=…)' },
        securityHeaders,
      );
    }
    if (url.pathname === EVENTS_ROUTE && req.method === 'GET') return handleEvents(options.service, req, res, securityHeaders);
    if (url.pathname.startsWith('/api/')) {
      void handleApiCall(options.service, url.pathname.slice('/api/'.length), req, res, securityHeaders);
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      return sendError(res, 405, { name: 'Error', message: 'method not allowed' }, securityHeaders);
    }
    const file = resolveStatic(rendererDir, url.pathname);
    if (!file) {
      const missingBuild = url.pathname === '/';
      return sendError(
        res,
        404,
        { name: 'NotFoundError', message: missingBuild ? `no UI build in ${rendererDir}: run \`npx electron-vite build\`` : 'not found' },
        securityHeaders,
      );
    }
    const headers: Record<string, string> = { ...securityHeaders };
    if (url.searchParams.get('token')) headers['set-cookie'] = tokenCookie(port, token);
    sendFile(res, file, headers);
  }

  const server: Server = createServer(route);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
