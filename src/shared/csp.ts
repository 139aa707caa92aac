/**
 * The Content-Security-Policy of the UI, one string for the Electron session headers, the page's meta
 * tag and the web host. Scripts and styles only from the app itself; no eval, no remote content.
 * Svelte sets inline `style` attributes (progress bars), hence 'unsafe-inline' for styles only.
 */
export const CONTENT_SECURITY_POLICY = [
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
].join('; ');
