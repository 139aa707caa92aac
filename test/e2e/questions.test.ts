/// <reference lib="dom" />
/**
 * The Questions view as a person uses it, in a real Chromium against the web host and the real model:
 * import a CSV of real STS-B sentences through the file picker (with progress while it runs), export
 * the bank as a download, ask a paraphrase and get its question first with the answer, move the
 * same-question threshold along its scale, dismiss a duplicate pair (still dismissed after a reload),
 * merge another, export both decisions as training pairs, and see every question in the clusters view, regrouped in place as the threshold
 * and minimum size change.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { launchChromium } from './support/browser';
import { ROOT, screenshot, startApp } from './support/app';

interface StsPair {
  score: number;
  first: string;
  second: string;
}

/** STS-B test pairs (tab-separated: genre, file, year, id, gold score, sentence 1, sentence 2). */
function loadStsb(): StsPair[] {
  const file = join(ROOT, '..', 'shared', 'eval', 'stsb', 'sts-test.csv');
  return readFileSync(file, 'utf8')
    .split('\n')
    .map((line) => line.split('\t'))
    .filter((f) => f.length >= 7)
    .map((f) => ({ score: Number(f[4]), first: f[5].trim(), second: f[6].trim() }));
}

const csvField = (s: string) => (/[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s);

/** 60 first sentences of close pairs as questions with made-up answers; two extra rows near-duplicate the first two. */
function writeBank(dir: string, pairs: StsPair[]): string {
  const rows = pairs.slice(0, 60).map((p, i) => [`q${i + 1}`, p.first, `Answer ${i + 1}: see section ${i + 1}.`]);
  rows.push(['dup1', pairs[0].second, 'Answer for the first near-duplicate.']);
  rows.push(['dup2', pairs[1].second, 'Answer for the second near-duplicate.']);
  rows.push(['empty', '', 'This row has no question.']);
  const file = join(dir, 'sts-faq.csv');
  writeFileSync(file, ['id,question,answer', ...rows.map((r) => r.map(csvField).join(','))].join('\n') + '\n');
  return file;
}

async function setRange(page: Page, testId: string, value: number): Promise<void> {
  await page.getByTestId(testId).evaluate((el, v) => {
    const input = el as HTMLInputElement;
    input.value = String(v);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  }, value);
}

describe('Questions view in a browser', { timeout: 10 * 60_000 }, () => {
  let browser: Browser;

  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  test('import a bank, ask a paraphrase, mark same vs related, add a question, dismiss a duplicate for good, merge one, see a cluster', async () => {
    const app = await startApp(browser);
    try {
      const { page } = app;
      // Close pairs whose first sentences are all different (STS-B repeats some captions).
      const seen = new Set<string>();
      const pairs = loadStsb().filter((p) => p.score >= 4.0 && p.first !== p.second && !seen.has(p.first) && seen.add(p.first));
      assert.ok(pairs.length >= 70, 'enough close STS-B pairs');
      const csv = writeBank(app.root, pairs);

      await page.getByTestId('nav-questions').click();
      await page.getByRole('heading', { name: 'Similar questions' }).waitFor();
      await page.getByTestId('bank-file').setInputFiles(csv);
      await page.getByRole('button', { name: 'Import', exact: true }).click();

      // How far an import is (rows of the file's rows, a rate, the time left, the bar) is asserted by the long
      // import below: these 63 rows can be stored before a look at the page catches the progress line.

      // The report counts the rows and names the skipped one by its row number and reason.
      const report = page.locator('.import-report');
      await report.waitFor({ timeout: 120_000 });
      assert.match((await report.textContent()) ?? '', /Imported 62 rows into “sts-faq” \(CSV, UTF-8\): 62 added/);
      assert.match((await report.locator('.skipped-rows').textContent()) ?? '', /row 64.*empty/i);
      await page.getByRole('combobox', { name: 'Question bank' }).locator('option', { hasText: 'sts-faq (62 questions)' }).waitFor({ state: 'attached' });
      assert.equal(await page.getByTestId('import-progress').count(), 0, 'the progress goes when the import is done');

      // Export: the bank comes back as a CSV download, every question with its answer and id.
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()]);
      assert.equal(download.suggestedFilename(), 'sts-faq.csv');
      const exported = readFileSync((await download.path())!, 'utf8').trim().split('\r\n');
      assert.equal(exported[0], 'id,question,answer');
      assert.equal(exported.length, 63);
      assert.equal(exported[1], `q1,${csvField(pairs[0].first)},Answer 1: see section 1.`);

      // The same-question slider has its scale drawn, with the default (chosen from STS-B dev) marked.
      const scale = (await page.getByTestId('same-threshold-scale').textContent()) ?? '';
      for (const mark of ['0.50', '0.60', '0.70', '0.80', '0.90', '1.00', '0.77 default']) assert.ok(scale.includes(mark), `scale shows ${mark}: ${scale}`);
      const list = await page.getByTestId('same-threshold').getAttribute('list');
      assert.equal(await page.locator(`datalist#${list} option`).count(), 7, 'tick marks for the browser to draw');
      assert.equal(await page.getByTestId('same-threshold').inputValue(), '0.77');

      // A paraphrase of question 11 (not one of the near-duplicates) finds it first, with its answer.
      const target = pairs[10];
      await page.getByRole('textbox', { name: 'Question', exact: true }).fill(target.second);
      const first = page.locator('li.match').first();
      await first.locator('.match-question', { hasText: target.first }).waitFor({ timeout: 30_000 });
      assert.equal(await first.locator('.match-answer').textContent(), 'Answer 11: see section 11.');
      const score = Number(await first.locator('.score').textContent());
      assert.ok(score > 0.6 && score < 1, `a paraphrase scores high but below 1: ${score}`);

      // The threshold decides what counts as the same question, without asking again.
      await setRange(page, 'same-threshold', Math.max(0.5, Math.floor((score - 0.05) * 100) / 100));
      assert.equal(await first.getAttribute('data-kind'), 'same');
      assert.equal(await first.locator('.kind-badge').textContent(), 'same question');
      await screenshot(page, 'questions');
      await setRange(page, 'same-threshold', 1);
      assert.equal(await first.getAttribute('data-kind'), 'related');
      assert.equal(await first.locator('.kind-badge').textContent(), 'related');
      assert.equal(await page.locator('li.match[data-kind="same"]').count(), 0);

      // A question the bank lacks is added with its answer, and from then on it is found first.
      const newQuestion = 'How do I change the colour of the sidebar?';
      await page.getByRole('textbox', { name: 'Question', exact: true }).fill(newQuestion);
      await page.getByLabel('Answer (optional)').fill('Settings › Theme.');
      await page.getByRole('button', { name: 'Add this question to the bank' }).click();
      await page.getByRole('status').filter({ hasText: 'Added to “sts-faq”.' }).waitFor();
      await page.locator('li.match').first().locator('.match-question', { hasText: newQuestion }).waitFor();
      assert.equal(await page.locator('li.match').first().locator('.match-answer').textContent(), 'Settings › Theme.');
      await page.getByRole('combobox', { name: 'Question bank' }).locator('option', { hasText: 'sts-faq (63 questions)' }).waitFor({ state: 'attached' });

      // Duplicates: the first question and its near-duplicate row are a pair; dismiss it.
      await page.getByRole('tab', { name: 'Duplicates' }).click();
      await page.getByRole('button', { name: 'Find duplicates' }).click();
      const pair = page.locator('li.pair', { hasText: pairs[0].second });
      await pair.waitFor({ timeout: 60_000 });
      assert.match((await pair.textContent()) ?? '', new RegExp(pairs[0].first.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      await pair.getByRole('button', { name: 'Dismiss' }).click();
      await pair.waitFor({ state: 'detached' });

      // Merging the other near-duplicate pair removes the second question from the bank.
      const second = page.locator('li.pair', { hasText: pairs[1].second });
      await second.getByRole('button', { name: 'Merge into the first' }).click();
      await second.waitFor({ state: 'detached' });
      await page.getByRole('combobox', { name: 'Question bank' }).locator('option', { hasText: 'sts-faq (62 questions)' }).waitFor({ state: 'attached' });

      // After a reload the dismissal is still there: hidden among unreviewed pairs, marked among reviewed.
      await page.reload();
      await page.getByTestId('nav-questions').click();
      await page.getByRole('tab', { name: 'Duplicates' }).click();
      await page.getByRole('button', { name: 'Find duplicates' }).click();
      await page.locator('.duplicates p.small', { hasText: /pairs/ }).waitFor();
      assert.equal(await page.locator('li.pair', { hasText: pairs[0].second }).count(), 0, 'the dismissed pair stays dismissed');
      await page.getByLabel('Show reviewed pairs').check();
      const reviewed = page.locator('li.pair[data-decision="dismiss"]', { hasText: pairs[0].second });
      await reviewed.waitFor();
      assert.match((await reviewed.textContent()) ?? '', /dismissed/);

      // Training pairs: the merge (whose second question has left the bank) as 1.0, the dismissal as 0.0.
      const [pairsFile] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export training pairs' }).click()]);
      assert.equal(pairsFile.suggestedFilename(), 'sts-faq-pairs.csv');
      const lines = readFileSync((await pairsFile.path())!, 'utf8').trim().split('\r\n');
      assert.deepEqual(lines, ['sentence1,sentence2,score', `${csvField(pairs[1].first)},${csvField(pairs[1].second)},1.0`, `${csvField(pairs[0].first)},${csvField(pairs[0].second)},0.0`]);
      await page.getByTestId('pairs-exported').filter({ hasText: 'sts-faq-pairs.csv: 2 pairs (1 merged = 1.0, 1 kept both or dismissed = 0.0, 0 hard negatives = 0.0)' }).waitFor();

      // Clusters: every question is shown, in a group or in "In no group", without pressing anything.
      await page.getByRole('tab', { name: 'Clusters' }).click();
      const summary = page.getByTestId('groups-summary');
      await summary.filter({ hasText: /^62 questions: \d+ groups, \d+ in no group$/ }).waitFor({ timeout: 60_000 });
      const countShown = async () => page.locator('li.cluster .cluster-members > li').count();
      assert.equal(await countShown(), 62, 'every question is listed once');
      const grouped = async () => Number(/(\d+) in no group/.exec((await summary.textContent()) ?? '')![1]);
      const restAtThree = await grouped();
      assert.ok(restAtThree > 0, 'questions in no group are shown, not hidden');
      await page.locator('li.cluster.unclustered summary').click();
      assert.equal(await page.locator('li.cluster.unclustered .cluster-members > li').count(), restAtThree);

      // Smaller groups allowed: regrouped in place, fewer questions left over.
      await page.getByLabel('Smallest group').fill('2');
      await summary.filter({ hasText: new RegExp(`^62 questions: \\d+ groups, (?!${restAtThree} )\\d+ in no group$`) }).waitFor({ timeout: 60_000 });
      assert.ok((await grouped()) < restAtThree);
      assert.equal(await countShown(), 62);
      await screenshot(page, 'questions-clusters');
      const cluster = page.locator('li.cluster', { hasText: pairs[0].first }).or(page.locator('li.cluster', { hasText: pairs[0].second })).first();
      await cluster.waitFor({ timeout: 60_000 });
      assert.match((await cluster.locator('.kind-badge').textContent()) ?? '', /^\d+ questions$/);
      await cluster.locator('summary').click();
      const members = await cluster.locator('.cluster-members li').allTextContents();
      assert.ok(members.includes(pairs[0].first) && members.includes(pairs[0].second), `both near-duplicates are members: ${members.join(' | ')}`);

      // The threshold moved to the top: no two different questions are that close, so none is grouped.
      await setRange(page, 'cluster-threshold', 1);
      await summary.filter({ hasText: /^62 questions: 0 groups, 62 in no group$/ }).waitFor({ timeout: 60_000 });
      assert.equal(await countShown(), 62);
    } finally {
      await app.close();
    }
  });

  test('a long import shows rows done of the total, a rate and the time left, and Cancel stops it keeping what was stored', async () => {
    const app = await startApp(browser);
    try {
      const { page } = app;
      const train = readFileSync(join(ROOT, '..', 'shared', 'eval', 'stsb', 'sts-train.csv'), 'utf8')
        .split('\n')
        .map((line) => line.split('\t')[5]?.trim())
        .filter((q): q is string => !!q);
      const questions = [...new Set(train)].slice(0, 1500);
      const csv = join(app.root, 'train-1500.csv');
      writeFileSync(csv, ['id,question,answer', ...questions.map((q, i) => `t${i + 1},${csvField(q)},Answer ${i + 1}.`)].join('\n') + '\n');

      await page.getByTestId('nav-questions').click();
      await page.getByTestId('bank-file').setInputFiles(csv);
      await page.getByRole('button', { name: 'Import', exact: true }).click();
      const line = page.getByTestId('import-progress');
      await line.filter({ hasText: /^train-1500\.csv: [\d,]+ of 1,500 rows \(\d+%\), [\d.,]+ rows\/s, about (\d+ s|\d+ min \d\d s) left$/ }).waitFor({ timeout: 120_000 });
      const value = Number(await page.locator('.import-progress progress').getAttribute('value'));
      assert.ok(value > 0 && value < 1, `the bar is part-way: ${value}`);
      await screenshot(page, 'questions-import');

      await page.getByRole('button', { name: 'Cancel import' }).click();
      const report = page.locator('.import-report');
      await report.waitFor({ timeout: 120_000 });
      const warning = (await report.locator('.warning').textContent()) ?? '';
      const stored = /cancelled; the (\d+) questions stored before that stay in the bank/.exec(warning);
      assert.ok(stored, `the report says it was cancelled: ${warning}`);
      assert.ok(Number(stored[1]) < 1500);
      await page.getByRole('combobox', { name: 'Question bank' }).locator('option', { hasText: `train-1500 (${stored[1]} questions)` }).waitFor({ state: 'attached' });
      assert.equal(await line.count(), 0);
    } finally {
      await app.close();
    }
  });
});
