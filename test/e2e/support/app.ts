/**
 * One fresh Trove per test, as a new user gets it: an empty data folder, a folder of documents, the web
 * host in this process over the real engine in its own process, and a Chromium page with its own profile.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { startEngine, type EngineClient } from '../../../src/core/host/engine-client';
import { startWebHost, type WebHost } from '../../../src/web/server';

export const ROOT = join(import.meta.dirname, '..', '..', '..');
const RENDERER = join(ROOT, 'out', 'renderer');
const SCREENSHOTS = join(ROOT, 'test-results', 'screenshots');
const README_SHOTS = join(ROOT, 'docs', 'screenshots');

/** The web host serves the electron-vite build; make it once if this checkout has none. */
export function ensureRendererBuild(): void {
  if (existsSync(join(RENDERER, 'index.html'))) return;
  const built = spawnSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: 'inherit', shell: process.platform === 'win32' });
  if (built.status !== 0) throw new Error('npx electron-vite build failed');
}

export interface TestApp {
  root: string;
  /** The user's documents folder (empty until the test writes files). */
  docs: string;
  /** The engine, in its own process as in the app (core/host/engine-client.ts). */
  service: EngineClient;
  host: WebHost;
  page: Page;
  close(): Promise<void>;
}

/** `engine`: what the engine is started with besides its data folder (e.g. a model folder). */
export async function startApp(browser: Browser, context: BrowserContextOptions = {}, engine: { modelDir?: string } = {}): Promise<TestApp> {
  ensureRendererBuild();
  const root = mkdtempSync(join(tmpdir(), 'trove-e2e-'));
  const docs = join(root, 'Documents');
  mkdirSync(docs);
  const service = await startEngine({ init: { dataDir: join(root, 'data'), ...engine } });
  const host = await startWebHost({ service, rendererDir: RENDERER });
  const ctx = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light', locale: 'en-US', ...context });
  const page = await ctx.newPage();
  const consoleErrors: string[] = [];
  page.on('pageerror', (err) => consoleErrors.push(err.message));
  await page.goto(host.url);
  return {
    root,
    docs,
    service,
    host,
    page,
    async close() {
      await ctx.close();
      await host.close();
      await service.close();
      rmSync(root, { recursive: true, force: true });
      if (consoleErrors.length) throw new Error(`uncaught errors in the page: ${consoleErrors.join('; ')}`);
    },
  };
}

/**
 * Save a screenshot as a test artifact; with TROVE_UPDATE_SCREENSHOTS=1 also as the README's picture
 * (tests never rewrite tracked files unless asked to).
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  const file = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path: file });
  if (process.env.TROVE_UPDATE_SCREENSHOTS === '1') {
    mkdirSync(README_SHOTS, { recursive: true });
    copyFileSync(file, join(README_SHOTS, `${name}.png`));
  }
}

/** Add a folder the way a web-host user does: type its path in the first-run form. */
export async function addFolderThroughUi(page: Page, folder: string): Promise<void> {
  await page.getByLabel('Folder path').fill(folder);
  await page.getByRole('button', { name: 'Add folder' }).click();
}

/** Wait until the indexing panel says it is up to date with `files` files in the index. */
export async function waitForIndexed(page: Page, files: number, timeout = 180_000): Promise<void> {
  const panel = page.locator('section.indexing');
  await panel.locator(`text=/^${files} files,/`).waitFor({ timeout });
  await page.locator('section.indexing[data-state="idle"]').waitFor({ timeout });
}

/** Add another folder from Settings, then come back to the search. */
export async function addFolderInSettings(page: Page, folder: string): Promise<void> {
  await page.getByTestId('nav-settings').click();
  await page.getByLabel('Folder path').fill(folder);
  await page.getByRole('button', { name: 'Add folder' }).click();
  await page.locator('.folder-path', { hasText: folder }).waitFor();
  await page.getByRole('button', { name: 'Search', exact: true }).click();
}
