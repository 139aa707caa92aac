/**
 * Which web pages the app may open in the person's browser. Nothing else leaves the window: a page
 * that could hand any URL to the shell could launch whatever program handles it. Plain Node: ./security
 * wires it to shell.openExternal.
 */

/**
 * Hosts the UI may link to, https only. The model hub is the one site the app names (its models'
 * pages); add a host here only with the link that needs it.
 */
export const EXTERNAL_HOSTS: readonly string[] = ['huggingface.co'];

/** True for an https URL on an allowed host: no other scheme, port or user:password@ prefix. */
export function isAllowedExternal(url: string): boolean {
  if (!URL.canParse(url)) return false;
  const u = new URL(url);
  return u.protocol === 'https:' && u.port === '' && u.username === '' && u.password === '' && EXTERNAL_HOSTS.includes(u.hostname);
}

export interface LinkOpener {
  openExternal: (url: string) => Promise<void>;
  log: (line: string) => void;
}

/** Opens an allowed link in the browser; refuses the rest with a log line. Returns whether it opened. */
export function openLinkOutside(url: string, opener: LinkOpener): boolean {
  if (!isAllowedExternal(url)) {
    opener.log(`Trove: refused to open ${JSON.stringify(url.slice(0, 200))} outside the app (not on the allow-list in src/main/external-links.ts)`);
    return false;
  }
  opener.openExternal(url).catch((err: Error) => opener.log(`Trove: could not open ${url}: ${err.message}`));
  return true;
}
