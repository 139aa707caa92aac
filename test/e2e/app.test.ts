/// <reference lib="dom" />
/**
 * Trove as a person uses it, in a real Chromium against the web host and the real engine: first run,
 * indexing real SciFact abstracts, searching a claim, the preview, edits and deletions on disk, a file
 * that cannot be indexed, dark mode and Chinese, and bad input.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync, unlinkSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { addFolderThroughUi, screenshot, startApp, waitForIndexed } from './support/app';
import { fileName, loadScifact, writeAbstracts } from './support/scifact';

/** A claim from SciFact's test split, and the one abstract that answers it. */
const CLAIM = 'ADAR1 binds to Dicer to cleave pre-miRNA.';
const ANSWER = '5953485';

/** Child processes of this test process running the embedding worker (the web host runs in-process). */
/** The embedding processes: children of the engine process, which is the host's child. */
function embedWorkerPids(enginePid: number): number[] {
  const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(enginePid)], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes('embed-worker'))
    .map((l) => Number(l.trim().split(/\s+/)[0]));
}

const searchBox = (page: Page) => page.getByRole('searchbox');
const results = (page: Page) => page.locator('li.result');

async function search(page: Page, text: string): Promise<void> {
  await searchBox(page).fill(text);
  await page.waitForFunction((query) => {
    const list = document.querySelector('section.results');
    return list?.getAttribute('data-answered') === query && list.getAttribute('aria-busy') !== 'true';
  }, text);
}

describe('Trove in a browser', { timeout: 15 * 60_000 }, () => {
  let browser: Browser;

  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  test('a new user adds a folder of 150 abstracts, watches it index, and finds the abstract behind a claim first, highlighted', async () => {
    const app = await startApp(browser);
    try {
      const { page } = app;
      assert.ok(loadScifact().claims.some((c) => c.text === CLAIM && c.relevant.includes(ANSWER)), 'the claim is in SciFact test');
      writeAbstracts(app.docs, 150, [ANSWER]);

      await page.getByRole('heading', { name: 'Which folders should Trove search?' }).waitFor();
      await screenshot(page, 'first-run');
      await addFolderThroughUi(page, app.docs);

      // The indexing panel shows the work as it happens: state, files done of total, rate.
      const working = page.locator('section.indexing[data-state="indexing"]', { hasText: /\b([2-9]\d|1[0-4]\d) \/ 150 files/ });
      await working.waitFor({ timeout: 60_000 });
      assert.match((await working.textContent()) ?? '', /\d+ \/ 150 files/);
      await screenshot(page, 'indexing');

      // Pause holds the work (searches keep working); Resume picks it up again.
      await page.getByRole('button', { name: 'Pause' }).click();
      await page.locator('section.indexing[data-state="paused"]', { hasText: 'Paused' }).waitFor();
      await page.getByRole('button', { name: 'Resume' }).click();
      await page.locator('section.indexing:not([data-state="paused"])').waitFor();
      await waitForIndexed(page, 150);

      await search(page, CLAIM);
      const first = results(page).first();
      assert.equal(await first.getAttribute('data-path'), join(app.docs, fileName(ANSWER)));
      const mark = first.locator('mark.hl');
      const marked = (await mark.textContent()) ?? '';
      assert.ok(marked.trim().length > 20, `a span of the best passage is highlighted: "${marked}"`);
      assert.match(marked, /ADAR1|Dicer|miRNA/i, 'the highlighted span is about the claim');
      // Hybrid search scores are fused relevance on 0–1: the best of both lists scores 1.00.
      assert.match((await first.locator('.score').textContent()) ?? '', /^(0\.\d\d|1\.00)$/);
      assert.equal(await first.locator('.file-type').textContent(), 'txt');
      // The count is of the files that matched in all, not of the cards on screen.
      const answer = await app.service.search({ text: CLAIM, k: 20 });
      const count = (await page.getByTestId('result-count').textContent()) ?? '';
      assert.ok(
        count.startsWith(answer.totalFiles > answer.hits.length ? `best ${answer.hits.length} of ${answer.totalFiles} files that matched` : `${answer.totalFiles} files matched`),
        `the count says how many files matched (${answer.totalFiles}): "${count}"`,
      );
      for (const more of await results(page).locator('.result-button > .small').allTextContents()) {
        assert.match(more, /^(1 more passage|([02-9]|\d\d+) more passages)$/, 'one passage, several passages');
      }

      // The first result, shown selected, is previewed at once, with the passage marked in context.
      assert.equal(await first.getAttribute('aria-selected'), 'true');
      const preview = page.locator('section.preview');
      await preview.getByRole('heading', { name: fileName(ANSWER) }).waitFor();
      await screenshot(page, 'search');
      assert.ok(((await preview.locator('mark.passage-mark').textContent()) ?? '').includes(marked), 'the preview marks the passage');
      assert.equal(await preview.locator('mark.passage-mark mark.hl').textContent(), marked, 'and the best sentence inside it');
      // The header says where the file is and offers what can be done with it.
      assert.match(((await preview.getByTestId('preview-folder').textContent()) ?? '').trim(), /^Documents · line \d+$/, 'folder and location');
      assert.ok(await preview.getByRole('button', { name: 'Open' }).isDisabled(), 'open needs the desktop app');
      assert.ok(await preview.getByRole('button', { name: 'Show in folder' }).isDisabled());
      assert.ok(await preview.getByRole('button', { name: 'Similar files' }).isEnabled());
      await screenshot(page, 'preview');

      // Keyboard: ↓ then Enter previews the next file; ↑ goes back; Esc clears; Ctrl+K returns to the search box.
      // The time is taken inside the page, from the key to the next file's name in the preview header.
      const second = (await results(page).nth(1).getAttribute('data-path'))!.split('/').pop()!;
      await page.evaluate((name) => {
        const w = window as unknown as { keyAt: number; shownAt: number };
        w.keyAt = w.shownAt = 0;
        window.addEventListener('keydown', () => (w.keyAt = performance.now()), { capture: true, once: true });
        new MutationObserver(() => {
          if (!w.shownAt && document.querySelector('section.preview h2')?.textContent === name) w.shownAt = performance.now();
        }).observe(document.querySelector('section.preview')!, { subtree: true, childList: true, characterData: true });
      }, second);
      await searchBox(page).press('ArrowDown');
      await searchBox(page).press('Enter');
      await preview.getByRole('heading', { name: second }).waitFor();
      const ms = await page.evaluate(() => {
        const w = window as unknown as { keyAt: number; shownAt: number };
        return w.shownAt - w.keyAt;
      });
      console.log(`# ↓ to the next file's preview on screen: ${ms.toFixed(1)} ms (load average ${loadavg()[0].toFixed(1)})`);
      assert.equal(await results(page).nth(1).getAttribute('aria-selected'), 'true');
      await searchBox(page).press('ArrowUp');
      assert.equal(await results(page).nth(0).getAttribute('aria-selected'), 'true');
      // After clicking a result, the arrows keep working from there.
      await results(page).nth(1).locator('button.result-button').click();
      await page.keyboard.press('ArrowDown');
      assert.equal(await results(page).nth(2).getAttribute('aria-selected'), 'true');
      await page.keyboard.press('Escape');
      assert.equal(await searchBox(page).inputValue(), '');
      await searchBox(page).fill(CLAIM);
      await searchBox(page).press('Escape');
      assert.equal(await searchBox(page).inputValue(), '');
      await page.getByText('Type to search.').waitFor();
      await page.getByTestId('nav-settings').click();
      await page.keyboard.press('Control+k');
      assert.ok(await searchBox(page).evaluate((el) => el === document.activeElement), 'Ctrl+K focuses the search box');
    } finally {
      await app.close();
    }
  });

  test('edits and deletions on disk show up in the results without a restart', async () => {
    const app = await startApp(browser);
    try {
      const { page } = app;
      const docs = writeAbstracts(app.docs, 20);
      await addFolderThroughUi(page, app.docs);
      await waitForIndexed(page, 20);

      const edited = join(app.docs, fileName(docs[3].id));
      const query = 'Arctic terns migrate from Greenland to the Weddell Sea every year';
      await search(page, query);
      assert.notEqual(await results(page).first().getAttribute('data-path'), edited);

      writeFileSync(edited, 'Bird migration\n\nArctic terns fly from their breeding grounds in Greenland to the Weddell Sea in Antarctica each year, the longest migration known.\n');
      await page.locator(`li.result[data-path="${edited}"]`).first().waitFor({ timeout: 60_000 });
      await page.waitForFunction((p) => document.querySelector('li.result')?.getAttribute('data-path') === p, edited, { timeout: 60_000 });
      assert.match((await results(page).first().locator('.result-passage').textContent()) ?? '', /Arctic terns/);

      unlinkSync(edited);
      await page.locator(`li.result[data-path="${edited}"]`).waitFor({ state: 'detached', timeout: 60_000 });
      await waitForIndexed(page, 19);
    } finally {
      await app.close();
    }
  });

  test('a file that cannot be indexed is listed under Problems with the reason', async () => {
    const app = await startApp(browser);
    try {
      const { page } = app;
      writeAbstracts(app.docs, 5);
      await addFolderThroughUi(page, app.docs);
      await waitForIndexed(page, 5);

      const corrupt = join(app.docs, 'corrupt.txt');
      const bytes = Buffer.alloc(4096);
      for (let i = 0; i < bytes.length; i++) bytes[i] = (i * 7919) % 256;
      writeFileSync(corrupt, bytes);

      await page.getByTestId('nav-problems').locator('.badge').waitFor({ timeout: 60_000 });
      await page.getByTestId('nav-problems').click();
      const problem = page.locator(`li.problem[data-path="${corrupt}"]`);
      await problem.waitFor();
      assert.ok(((await problem.locator('.problem-reason').textContent()) ?? '').trim().length > 5, 'a reason is given');
      await screenshot(page, 'problems');
    } finally {
      await app.close();
    }
  });

  test('dark mode and Chinese: chosen in settings, remembered, and followed from the OS', async () => {
    const app = await startApp(browser);
    try {
      const { page } = app;
      writeAbstracts(app.docs, 10, [ANSWER]);
      await addFolderThroughUi(page, app.docs);
      await waitForIndexed(page, 10);
      const background = () => page.evaluate(() => getComputedStyle(document.body).backgroundColor);
      const light = await background();

      await page.getByTestId('nav-settings').click();
      await page.getByTestId('theme').selectOption('dark');
      await page.locator('html[data-theme="dark"]').waitFor();
      const dark = await background();
      assert.notEqual(dark, light);
      await page.getByTestId('language').selectOption('zh');
      await page.getByRole('heading', { name: '设置' }).waitFor();
      assert.equal(await page.locator('html').getAttribute('lang'), 'zh-CN');
      await screenshot(page, 'settings-dark-zh');

      await page.reload();
      await page.getByRole('button', { name: '搜索' }).click();
      await page.locator('html[data-theme="dark"]').waitFor();
      await searchBox(page).fill(CLAIM);
      await page.locator('section.results', { hasText: '个文件' }).waitFor();
      await screenshot(page, 'search-dark-zh');

      // Back to following the system, in a browser whose OS is dark and Chinese.
      await page.getByRole('button', { name: '设置' }).click();
      await page.getByTestId('theme').selectOption('system');
      await page.getByTestId('language').selectOption('auto');
      await page.getByRole('heading', { name: 'Settings' }).waitFor();
      const zhDark = await browser.newContext({ colorScheme: 'dark', locale: 'zh-CN', viewport: { width: 1280, height: 800 } });
      const osPage = await zhDark.newPage();
      await osPage.goto(app.host.url);
      await osPage.getByRole('button', { name: '设置' }).waitFor();
      assert.equal(await osPage.evaluate(() => getComputedStyle(document.body).backgroundColor), dark);
      await zhDark.close();
    } finally {
      await app.close();
    }
  });

  test('bad input, a crashed embedding process and a crashed engine process: clear messages, and the app keeps working', async () => {
    const app = await startApp(browser);
    try {
      const { page } = app;
      writeAbstracts(app.docs, 5, [ANSWER]);
      await addFolderThroughUi(page, app.docs);
      await waitForIndexed(page, 5);
      await searchBox(page).fill('a'.repeat(10_001));
      await page.getByRole('alert').filter({ hasText: 'longer than 10000 characters' }).waitFor();
      await search(page, CLAIM);
      assert.equal(await results(page).first().getAttribute('data-path'), join(app.docs, fileName(ANSWER)));

      // A path outside the folders is refused with a message in the UI, not only in the console.
      await page.getByTestId('nav-settings').click();
      await page.getByLabel('Folder path').fill('relative/folder');
      await page.getByRole('button', { name: 'Add folder' }).click();
      await page.getByRole('alert').filter({ hasText: 'path must be absolute' }).waitFor();

      // The embedding process dies: the next search restarts it and still answers.
      const workers = embedWorkerPids(app.service.pid!);
      assert.ok(workers.length > 0, 'the embedding process runs as a child of the engine process');
      for (const pid of workers) process.kill(pid, 'SIGKILL');
      await page.getByRole('button', { name: 'Search' }).click();
      await search(page, 'Dicer and ADAR1 form a complex that processes microRNA');
      assert.equal(await results(page).first().getAttribute('data-path'), join(app.docs, fileName(ANSWER)));
      assert.ok(embedWorkerPids(app.service.pid!).every((pid) => !workers.includes(pid)), 'a new embedding process took over');

      // The engine process itself dies: the next search waits for its restart and answers from the same index.
      const engine = app.service.pid!;
      process.kill(engine, 'SIGKILL');
      await search(page, CLAIM);
      assert.equal(await results(page).first().getAttribute('data-path'), join(app.docs, fileName(ANSWER)));
      assert.notEqual(app.service.pid, engine, 'a new engine process took over');
    } finally {
      await app.close();
    }
  });

  test('the web host refuses a page without the token, and calls from another local site', async () => {
    const app = await startApp(browser);
    const evil = createServer((_req, res) => res.end('<!doctype html><title>elsewhere</title>'));
    try {
      const { page, host } = app;
      await page.getByRole('heading', { name: 'Which folders should Trove search?' }).waitFor();

      const stranger = await browser.newContext();
      const noToken = await stranger.newPage();
      const reply = await noToken.goto(`http://127.0.0.1:${host.port}/`);
      assert.equal(reply?.status(), 401);
      assert.match(await noToken.textContent('body') ?? '', /token/);
      await stranger.close();

      // Another site on 127.0.0.1 shares the cookie jar (ports are the same site), so only the Origin
      // check stands between it and the API.
      await new Promise<void>((r) => evil.listen(0, '127.0.0.1', () => r()));
      const evilPage = await page.context().newPage();
      await evilPage.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
      const outcome = await evilPage.evaluate(async (target) => {
        try {
          const r = await fetch(target, { method: 'POST', body: JSON.stringify(['/etc']), credentials: 'include', mode: 'no-cors' });
          return r.type;
        } catch (err) {
          return String(err);
        }
      }, `http://127.0.0.1:${host.port}/api/addFolder`);
      assert.ok(outcome, 'the request was sent');
      assert.deepEqual(await app.service.listFolders(), [], 'the other site could not add a folder');
    } finally {
      evil.close();
      await app.close();
    }
  });
});
