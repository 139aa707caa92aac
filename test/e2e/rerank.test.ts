/// <reference lib="dom" />
/**
 * Re-ranking as a person meets it, in a real Chromium against the web host and the real engine: in
 * Settings → Models the re-rankers have their own section saying what each is for; a re-ranker (the
 * tiny cross-encoder fixture, whose scores are near random: this is about the plumbing) is added from
 * its folder, chosen with "Use for re-ranking", and the results say "Re-ranked by …"; the "Re-rank
 * results" toggle and "Stop re-ranking" take the line away again, and the setting follows.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { shippedModelsDir } from '../../src/core/embed/model-files';
import { launchChromium } from './support/browser';
import { addFolderThroughUi, screenshot, startApp, waitForIndexed } from './support/app';
import { loadScifact, writeAbstracts } from './support/scifact';

const TINY = join(shippedModelsDir(), 'test-fixtures', 'tiny-cross-encoder');
const LABEL = 'tiny cross-encoder (test fixture)';
/** SciFact claims whose abstracts are among the files written (writeAbstracts puts the first claims' answers first). */
const CLAIMS = loadScifact().claims.slice(0, 10).map((c) => c.text);
const QUERY = CLAIMS[0];

/** Type a query and wait until the list answers it. */
async function search(page: Page, text: string): Promise<void> {
  await page.getByRole('searchbox').fill(text);
  await page.waitForFunction((query) => {
    const list = document.querySelector('section.results');
    return list?.getAttribute('data-answered') === query && list.getAttribute('aria-busy') !== 'true';
  }, text);
}

/** Back to the results, once the search asked again after a change in Settings has been answered. */
async function backToResults(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Search', exact: true }).click();
  await page.waitForFunction(() => document.querySelector('section.results')?.getAttribute('aria-busy') !== 'true');
}

describe('Re-ranking in a browser', { timeout: 10 * 60_000 }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  test('a re-ranker is added, chosen and switched off and on in Settings → Models; the results say "Re-ranked by …" only while it re-ranks', async () => {
    const app = await startApp(browser);
    try {
      const { page } = app;
      writeAbstracts(app.docs, 20);
      await addFolderThroughUi(page, app.docs);
      await waitForIndexed(page, 20);
      // A claim the first stage answers well, so the picture shows results rather than "No good matches".
      let query = QUERY;
      for (const claim of CLAIMS) {
        if ((await app.service.search({ text: claim })).quality === 'good') {
          query = claim;
          break;
        }
      }
      await search(page, query);
      assert.equal(await page.getByTestId('reranked').count(), 0, 'no re-ranker chosen: first-stage order');

      await page.getByTestId('nav-settings').click();
      const section = page.getByTestId('rerankers');
      const rows = section.getByTestId('reranker-row');
      // The catalogue's re-rankers, in their own section with what each is for, not among the models that embed.
      assert.match(await rows.filter({ hasText: 'ms-marco-MiniLM-L6-v2' }).innerText(), /Re-orders the best results of a search[\s\S]*English[\s\S]*Apache-2\.0[\s\S]*Download/);
      assert.match(await rows.filter({ hasText: 'bge-reranker-base' }).innerText(), /Chinese and English[\s\S]*MIT/);
      assert.equal(await page.getByTestId('model-row').filter({ hasText: 'ms-marco' }).count(), 0);
      const toggle = page.getByTestId('rerank-toggle');
      assert.equal(await toggle.isDisabled(), true, 'nothing to switch on before a re-ranker is chosen');

      // Added from its folder like any model, it lands among the re-rankers.
      await page.getByTestId('model-folder').fill(TINY);
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      const tiny = rows.filter({ hasText: LABEL });
      await tiny.waitFor();
      assert.match(await tiny.innerText(), /tests only[\s\S]*English[\s\S]*Apache-2\.0/);
      await tiny.getByTestId('reranker-use').click();
      await tiny.getByTestId('reranker-stop').waitFor();
      assert.match(await tiny.innerText(), new RegExp(`${LABEL.replace(/[()]/g, '\\$&')}\\s*re-ranking`), 'badged as the one re-ranking');
      await page.waitForFunction(() => (document.querySelector('[data-testid="rerank-toggle"]') as HTMLInputElement | null)?.checked === true);
      assert.deepEqual(
        [(await app.service.getSettings()).reranker, (await app.service.getSettings()).rerank],
        ['tiny-cross-encoder', true],
      );
      await section.scrollIntoViewIfNeeded();
      await screenshot(page, 'rerankers-settings');

      // The results on screen were asked again: they say who ordered them.
      await backToResults(page);
      await page.getByTestId('reranked').filter({ hasText: `Re-ranked by ${LABEL}` }).waitFor();
      await screenshot(page, 'search-reranked');

      // Switched off: the re-ranker stays chosen, the results keep their first order.
      await page.getByTestId('nav-settings').click();
      await toggle.uncheck();
      await page.waitForFunction(() => (document.querySelector('[data-testid="rerank-toggle"]') as HTMLInputElement | null)?.checked === false);
      await backToResults(page);
      await page.getByTestId('reranked').waitFor({ state: 'detached' });
      assert.deepEqual([(await app.service.getSettings()).reranker, (await app.service.getSettings()).rerank], ['tiny-cross-encoder', false]);

      // On again, then "Stop re-ranking": the line comes and goes with it.
      await page.getByTestId('nav-settings').click();
      await toggle.check();
      await backToResults(page);
      await page.getByTestId('reranked').filter({ hasText: `Re-ranked by ${LABEL}` }).waitFor();
      await page.getByTestId('nav-settings').click();
      await tiny.getByTestId('reranker-stop').click();
      await tiny.getByTestId('reranker-use').waitFor();
      assert.equal(await toggle.isDisabled(), true);
      assert.equal((await app.service.getSettings()).reranker, null);
      await backToResults(page);
      await page.getByTestId('reranked').waitFor({ state: 'detached' });
      await search(page, `${query} `);
      assert.equal(await page.getByTestId('reranked').count(), 0);
    } finally {
      await app.close();
    }
  });

  test('in Chinese, the line and the section speak Chinese; removing the chosen re-ranker un-chooses it', async () => {
    const app = await startApp(browser, { locale: 'zh-CN' });
    try {
      const { page } = app;
      writeAbstracts(app.docs, 6);
      await app.service.addModelFolder(TINY);
      await app.service.setSettings({ reranker: 'tiny-cross-encoder' });
      await app.service.addFolder(app.docs);
      await app.service.whenIdle();
      assert.equal((await app.service.status()).filesIndexed, 6);
      await search(page, QUERY);
      await page.getByTestId('reranked').filter({ hasText: `已由 ${LABEL} 重新排序` }).waitFor();

      await page.getByTestId('nav-settings').click();
      const section = page.getByTestId('rerankers');
      await section.getByRole('heading', { name: '重排序模型' }).waitFor();
      const tiny = section.getByTestId('reranker-row').filter({ hasText: LABEL });
      assert.match(await tiny.innerText(), /重排序中[\s\S]*停止重新排序/);
      await tiny.getByTestId('reranker-remove').click();
      await tiny.waitFor({ state: 'detached' });
      assert.equal((await app.service.getSettings()).reranker, null);
      assert.equal(await page.getByTestId('rerank-toggle').isDisabled(), true);
      await page.getByRole('button', { name: '搜索', exact: true }).click();
      await page.getByTestId('reranked').waitFor({ state: 'detached' });
    } finally {
      await app.close();
    }
  });
});
