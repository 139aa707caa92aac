/// <reference lib="dom" />
/**
 * Hybrid search as a person meets it, in a real Chromium against the web host and the real engine,
 * over real documents nobody here wrote: git's manual pages (Debian's git-doc) in one folder, a
 * Chinese note and a few SciFact abstracts in another. The filter bar by keyboard, "Similar files"
 * from a result and from the preview, "No good matches" for nonsense, a corrected misspelling and
 * its way back, a query starting with "--", and a Chinese query with the English model.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readdirSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page, Response } from 'playwright-core';
import { launchChromium } from './support/browser';
import { ROOT, addFolderInSettings, addFolderThroughUi, screenshot, startApp, waitForIndexed, type TestApp } from './support/app';
import { writeAbstracts } from './support/scifact';

const FIXTURES = join(ROOT, 'test', 'fixtures', 'documents');
/** The git pages are old, each modified on its own day in June 2020 (noon, so no time zone moves a day). */
const GIT_DAYS: Record<string, number> = {
  'git-bisect.html': 1,
  'git-blame.html': 2,
  'git-cherry-pick.html': 3,
  'git-merge.html': 4,
  'git-reflog.html': 5,
  'git-stash.html': 6,
};
const ABSTRACTS = 6;

const searchBox = (page: Page) => page.getByRole('searchbox');
const results = (page: Page) => page.locator('li.result');
const shownNames = (page: Page) => results(page).evaluateAll((items) => items.map((li) => li.getAttribute('data-path')!.split('/').pop()!));
const chips = (page: Page) => page.getByTestId('filter-bar').locator('button.chip');
const focused = (page: Page) => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.testid ?? document.activeElement?.tagName);

/** Type a query and wait until the list answers it. */
async function search(page: Page, text: string): Promise<void> {
  await searchBox(page).fill(text);
  await page.waitForFunction((query) => {
    const list = document.querySelector('section.results');
    return list?.getAttribute('data-answered') === query && list.getAttribute('aria-busy') !== 'true';
  }, text);
}

/** Do something that asks the engine again (a filter, a click), and wait until its answer is on screen. */
async function reanswered(page: Page, route: 'search' | 'similarTo', action: () => Promise<unknown>): Promise<Response> {
  const reply = page.waitForResponse((r) => new URL(r.url()).pathname === `/api/${route}`);
  await action();
  const response = await reply;
  await page.waitForFunction(() => document.querySelector('section.results')?.getAttribute('aria-busy') !== 'true');
  return response;
}

/** Let the page handle what just happened (a key's change event, a re-render) before looking. */
const settle = (page: Page) => page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));

describe('Search in a browser: filters, similar files, no good matches, corrections', { timeout: 15 * 60_000 }, () => {
  let browser: Browser;
  let app: TestApp;
  let gitFolder: string;
  let notesFolder: string;

  before(async () => {
    browser = await launchChromium();
    app = await startApp(browser);
    gitFolder = join(app.docs, 'git');
    notesFolder = join(app.docs, 'notes');
    mkdirSync(gitFolder);
    mkdirSync(notesFolder);
    for (const f of readdirSync(join(FIXTURES, 'git'))) {
      copyFileSync(join(FIXTURES, 'git', f), join(gitFolder, f));
      const day = new Date(2020, 5, GIT_DAYS[f], 12);
      utimesSync(join(gitFolder, f), day, day);
    }
    copyFileSync(join(FIXTURES, 'generated', 'chinese-utf8.txt'), join(notesFolder, 'privacy-notes.txt'));
    writeAbstracts(notesFolder, ABSTRACTS);
    await addFolderThroughUi(app.page, gitFolder);
    await addFolderInSettings(app.page, notesFolder);
    await waitForIndexed(app.page, Object.keys(GIT_DAYS).length + 1 + ABSTRACTS);
  });
  after(async () => {
    await app?.close();
    await browser?.close();
  });

  /** Each test starts from a fresh page: no query, no filters. */
  async function freshPage(): Promise<Page> {
    await app.page.reload();
    await searchBox(app.page).waitFor();
    return app.page;
  }

  test('the filter bar narrows the results by type, folder and date, all by keyboard', async () => {
    const page = await freshPage();
    await search(page, 'changes');
    const unfiltered = await shownNames(page);
    assert.ok(unfiltered.some((n) => n.endsWith('.html')) && unfiltered.some((n) => n.endsWith('.txt')), `pages and notes both match: ${unfiltered.join(', ')}`);

    // Tab from the search box reaches the folder picker, then the type picker.
    await searchBox(page).focus();
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'filter-folder');
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'filter-type');
    // Browsing the types with the arrows (which change a closed select on Linux and Windows) only moves the choice.
    await page.keyboard.press('ArrowDown');
    await page.keyboard.press('ArrowDown');
    await settle(page);
    assert.equal(await chips(page).count(), 0, 'browsing the list added no filter');
    // Type-ahead to "txt", Enter takes it.
    await page.keyboard.type('txt');
    await reanswered(page, 'search', () => page.keyboard.press('Enter'));
    assert.deepEqual(await chips(page).allTextContents().then((t) => t.map((s) => s.replace('×', '').trim())), ['txt']);
    const txt = await shownNames(page);
    assert.ok(txt.length > 0 && txt.every((n) => n.endsWith('.txt')), `only notes: ${txt.join(', ')}`);
    // The chip is a button: Enter on it removes the filter.
    await page.getByRole('button', { name: 'Remove the filter txt' }).focus();
    await reanswered(page, 'search', () => page.keyboard.press('Enter'));
    assert.deepEqual(await shownNames(page), unfiltered);

    // The folder picker by keyboard: only the git pages.
    await page.getByTestId('filter-folder').focus();
    await page.keyboard.type('git');
    await reanswered(page, 'search', () => page.keyboard.press('Enter'));
    const inGit = await shownNames(page);
    assert.ok(inGit.length > 1 && inGit.every((n) => n in GIT_DAYS), `only git pages: ${inGit.join(', ')}`);

    // Newest first: the pages in the order of their days, and the day is shown on each card.
    await page.getByTestId('filter-sort').focus();
    await reanswered(page, 'search', () => page.keyboard.press('ArrowDown'));
    const byDate = await shownNames(page);
    assert.deepEqual(byDate, [...inGit].sort((a, b) => GIT_DAYS[b] - GIT_DAYS[a]), 'newest first');
    assert.match((await results(page).first().locator('.result-date').textContent()) ?? '', /Jun 6, 2020/);
    await screenshot(page, 'filters');

    // A date typed digit by digit: no error flashes and the list stays while the year is typed.
    await page.evaluate(() => {
      const w = window as unknown as { flashes: string[] };
      w.flashes = [];
      new MutationObserver(() => {
        if (document.querySelector('.filter-problem')) w.flashes.push('error shown');
        if (!document.querySelector('li.result')) w.flashes.push('list emptied');
      }).observe(document.querySelector('main')!, { subtree: true, childList: true });
    });
    await page.getByTestId('filter-until').focus();
    await page.keyboard.type('0603');
    await reanswered(page, 'search', () => page.keyboard.type('2020'));
    const early = await shownNames(page);
    assert.ok(early.length > 0 && early.every((n) => GIT_DAYS[n] <= 3), `only pages modified by June 3: ${early.join(', ')}`);
    assert.deepEqual(await page.evaluate(() => (window as unknown as { flashes: string[] }).flashes), [], 'nothing flashed while typing the year');

    await reanswered(page, 'search', () => page.getByRole('button', { name: 'Clear filters' }).click());
    assert.deepEqual(await shownNames(page), unfiltered);
  });

  test('"Similar files" from a result and from the preview: other files only, compared with the whole file or the passage', async () => {
    const page = await freshPage();
    await search(page, 'stash my changes');
    assert.equal((await shownNames(page))[0], 'git-stash.html');

    const stashPassage = ((await results(page).first().locator('.result-passage').textContent()) ?? '').replace(/^…/, '');
    const head = page.getByTestId('similar-head');
    const basis = page.getByTestId('similar-basis');
    await reanswered(page, 'similarTo', () => results(page).first().getByRole('button', { name: 'Files similar to git-stash.html' }).click());
    await head.getByRole('heading', { name: 'Files similar to git-stash.html' }).waitFor();
    assert.equal(await basis.locator('option:checked').textContent(), 'the whole file');
    const likeFile = await shownNames(page);
    assert.ok(likeFile.length > 0, 'some files are listed');
    assert.ok(!likeFile.includes('git-stash.html'), `never the file itself: ${likeFile.join(', ')}`);
    assert.ok(likeFile.slice(0, 3).every((n) => n in GIT_DAYS), `the other git pages come first: ${likeFile.join(', ')}`);

    await reanswered(page, 'similarTo', () => basis.selectOption('passage'));
    assert.match((await basis.locator('option:checked').textContent()) ?? '', /^the passage/);
    // The result card is gone by now: the header shows which passage the files are compared with.
    const compared = (await page.getByTestId('similar-passage').textContent()) ?? '';
    assert.ok(compared.includes(stashPassage.slice(0, 40)), `the passage compared with is shown: ${JSON.stringify(compared)} should hold ${JSON.stringify(stashPassage.slice(0, 40))}`);
    const likePassage = await shownNames(page);
    assert.ok(likePassage.length > 0 && !likePassage.includes('git-stash.html'), likePassage.join(', '));
    await page.locator('section.preview h2').waitFor();
    await screenshot(page, 'similar');

    // Back returns to the search as it was.
    await page.getByTestId('similar-back').click();
    await page.waitForFunction(() => document.querySelector('section.results')?.getAttribute('data-answered') === 'stash my changes');
    assert.equal((await shownNames(page))[0], 'git-stash.html');

    // From the open preview of another result.
    const second = (await shownNames(page))[1];
    await results(page).nth(1).locator('button.result-button').click();
    const preview = page.locator('section.preview');
    await preview.getByRole('heading', { name: second }).waitFor();
    await reanswered(page, 'similarTo', () => preview.getByRole('button', { name: 'Similar files' }).click());
    await head.getByRole('heading', { name: `Files similar to ${second}` }).waitFor();
    const likeSecond = await shownNames(page);
    assert.ok(likeSecond.length > 0 && !likeSecond.includes(second), `never the file itself: ${likeSecond.join(', ')}`);
    assert.equal(await basis.locator('option:checked').textContent(), 'the whole file');
  });

  test('a nonsense query says "No good matches" and shows at most three files, greyed', async () => {
    const page = await freshPage();
    await search(page, 'zzqx');
    const notice = page.getByTestId('no-good-matches');
    assert.match((await notice.textContent()) ?? '', /No good matches\./);
    const count = await results(page).count();
    assert.ok(count >= 1 && count <= 3, `${count} nearest files`);
    for (const opacity of await results(page).evaluateAll((items) => items.map((li) => Number(getComputedStyle(li).opacity)))) {
      assert.ok(opacity < 1, `greyed (opacity ${opacity})`);
    }
    assert.equal(await page.getByTestId('result-count').count(), 0, 'no "files matched" count for files that do not match');
    await page.locator('section.preview h2').waitFor();
    await screenshot(page, 'no-good-matches');
  });

  test('a misspelled query shows the corrected results with the way back, and the first result selected', async () => {
    const page = await freshPage();
    // Someone looked at another result of an earlier search first.
    await search(page, 'changes');
    await page.locator('li.result[data-path$="/git-merge.html"] button.result-button').click();
    await page.locator('section.preview').getByRole('heading', { name: 'git-merge.html' }).waitFor();

    await search(page, 'stahs my chnages');
    const correction = page.getByTestId('correction');
    assert.equal(((await correction.textContent()) ?? '').replace(/\s+/g, ' ').trim(), 'Showing results for stash my changes; search instead for stahs my chnages');
    assert.equal((await shownNames(page))[0], 'git-stash.html');
    assert.equal(await results(page).first().getAttribute('aria-selected'), 'true', 'a new query selects its best result');
    await page.locator('section.preview').getByRole('heading', { name: 'git-stash.html' }).waitFor();
    await screenshot(page, 'correction');

    const asked = await reanswered(page, 'search', () => correction.getByRole('button', { name: 'stahs my chnages' }).click());
    const [query] = JSON.parse(asked.request().postData() ?? '[]') as [{ text: string; exact?: boolean }];
    assert.equal(query.text, 'stahs my chnages');
    assert.equal(query.exact, true, 'the words as typed, without correction');
    await correction.waitFor({ state: 'detached' });
    assert.equal(await searchBox(page).inputValue(), 'stahs my chnages');
  });

  test('a query starting with "--" is searched like any other', async () => {
    const page = await freshPage();
    await search(page, '--no-ff');
    assert.equal((await shownNames(page))[0], 'git-merge.html');
    assert.match((await results(page).first().locator('.result-passage').textContent()) ?? '', /--no-ff/);
    assert.equal(await page.getByRole('alert').count(), 0);
  });

  test('a Chinese query with the English model: the note is found by its words, and the multilingual model is offered', async () => {
    const page = await freshPage();
    await search(page, '隐私');
    assert.equal((await shownNames(page))[0], 'privacy-notes.txt');
    const notice = page.getByTestId('unsupported-script');
    assert.match((await notice.textContent()) ?? '', /all-MiniLM-L6-v2\) does not read Chinese/);
    // Named as Settings → Models lists it.
    assert.match((await notice.textContent()) ?? '', /The model multilingual-e5-small \(4-bit\) reads it/);
    await notice.getByRole('button', { name: 'Settings → Models' }).click();
    const row = page.locator('[data-model="multilingual-e5-small-q4"]');
    await row.waitFor();
    await page.waitForFunction(() => !!document.activeElement?.closest('[data-model="multilingual-e5-small-q4"]'));
  });
});
