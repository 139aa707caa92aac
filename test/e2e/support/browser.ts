/**
 * A real Chromium for the end-to-end tests: Debian's, else Playwright's own download; if there is
 * neither, the error says exactly what to install.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser } from 'playwright-core';

export const INSTALL_HINT =
  'No Chromium found for the end-to-end tests. Install one with\n' +
  '  sudo apt-get update && sudo apt-get install -y chromium      (Debian/Ubuntu)\n' +
  'or\n' +
  '  npx playwright install chromium\n' +
  'or point TROVE_CHROMIUM at a Chromium/Chrome binary.';

export function findChromium(): string {
  const candidates = [process.env.TROVE_CHROMIUM, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'];
  try {
    candidates.push(chromium.executablePath());
  } catch {
    // playwright-core has no browser of its own until `npx playwright install chromium`.
  }
  const found = candidates.find((c): c is string => !!c && existsSync(c));
  if (!found) throw new Error(INSTALL_HINT);
  return found;
}

export function launchChromium(): Promise<Browser> {
  // --no-sandbox: CI runs as root, where Chromium's sandbox refuses to start. The rest keep Chromium
  // from calling home, which on an offline machine only produces a stream of refused connections.
  return chromium.launch({
    executablePath: findChromium(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
