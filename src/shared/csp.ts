/**
 * The Content-Security-Policy of the UI, written once: the header on every response (Electron's
 * trove:// scheme and session, the web host) and, minus what a meta tag may not carry, the copy in
 * src/renderer/index.html (test/unit/main/csp.test.ts fails when they differ). Scripts and styles only
 * from the app itself; no eval, no remote content. Svelte sets inline `style` attributes (progress
 * bars), hence 'unsafe-inline' for styles only. Under `electron-vite dev`, 'self' also admits the
 * dev server's hot-reload websocket (CSP 3 lets 'self' match ws: on the page's own host and port).
 */
const directives = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
];

export const CONTENT_SECURITY_POLICY = directives.join('; ');

/** Directives a `<meta http-equiv>` policy ignores (CSP 3 §3.3): they live only in the header. */
const headerOnly = ['frame-ancestors', 'report-uri', 'sandbox'];

/** The policy as index.html's meta tag carries it: the page is protected before any header applies (a page opened from disk, a dev server). */
export const META_CONTENT_SECURITY_POLICY = directives.filter((d) => !headerOnly.includes(d.split(' ')[0])).join('; ');
