/**
 * Who may talk to the web host: only a page loaded from it (same Host and Origin, so other sites and
 * DNS-rebinding pages are refused) holding the random token printed at start. The token arrives in the
 * URL once; the host then sets it as a SameSite=Strict, HttpOnly cookie so the page's own scripts,
 * styles and event stream carry it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

export const TOKEN_HEADER = 'x-trove-token';

export function newToken(): string {
  return randomBytes(24).toString('base64url');
}

/** Cookies are shared between ports of one host, so the name carries the port. */
export function cookieName(port: number): string {
  return `trove_token_${port}`;
}

export function tokenCookie(port: number, token: string): string {
  return `${cookieName(port)}=${token}; Path=/; HttpOnly; SameSite=Strict`;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The token a request carries, from the header, the `token` query parameter or the cookie. */
export function presentedToken(req: IncomingMessage, url: URL, port: number): string | null {
  const header = req.headers[TOKEN_HEADER];
  if (typeof header === 'string' && header) return header;
  const query = url.searchParams.get('token');
  if (query) return query;
  const cookies = req.headers.cookie ?? '';
  const name = cookieName(port);
  for (const part of cookies.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return v.join('=');
  }
  return null;
}

export function tokenMatches(req: IncomingMessage, url: URL, port: number, token: string): boolean {
  const given = presentedToken(req, url, port);
  return given !== null && sameSecret(given, token);
}

/**
 * Why a request comes from somewhere it should not, or null when it is fine. Browsers always send Host;
 * they send Origin on cross-origin requests and on POSTs, which is what protects the API.
 */
export function foreignRequest(req: IncomingMessage, port: number): string | null {
  const allowedHosts = [`127.0.0.1:${port}`, `localhost:${port}`];
  const host = req.headers.host ?? '';
  if (!allowedHosts.includes(host.toLowerCase())) return `Host "${host}" is not this web host`;
  const origin = req.headers.origin;
  if (origin !== undefined && !allowedHosts.map((h) => `http://${h}`).includes(origin.toLowerCase())) {
    return `requests from ${origin} are not allowed`;
  }
  const site = req.headers['sec-fetch-site'];
  if (site === 'cross-site') return 'cross-site requests are not allowed';
  return null;
}
