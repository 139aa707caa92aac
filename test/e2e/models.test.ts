/// <reference lib="dom" />
/**
 * The model manager as a person meets it, in a real Chromium against the web host and the real engine:
 * the first-run language question and its suggestion, the Models section of Settings listing the
 * catalogue with the model in use, a folder that is not a usable model refused with the file named
 * (the current model still searching), a good folder added and chosen: the running engine changes over
 * to it without a restart and the status line names it.
 */
import assert from 'node:assert/strict';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { defaultModelDir } from '../../src/core/embed/model-files';
import { readSentenceModel } from '../../src/core/embed/sentence-model';
import { launchChromium } from './support/browser';
import { addFolderThroughUi, screenshot, startApp, waitForIndexed } from './support/app';
import { writeAbstracts } from './support/scifact';

describe('Models in a browser', { timeout: 10 * 60_000 }, () => {
  let browser: Browser;
  before(async () => {
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
  });

  test('first run suggests a multilingual model for Chinese files; Settings lists, refuses, adds and chooses models', async () => {
    const app = await startApp(browser);
    try {
      const { page } = app;
      // First run: which languages? Chinese → a multilingual model is suggested; English → the shipped one is used.
      await page.getByTestId('first-run-languages').getByLabel('Chinese (with or without English)').check();
      await page.getByTestId('first-run-suggestion').filter({ hasText: /Suggested model: multilingual-e5-small/ }).waitFor();
      await page.getByTestId('first-run-languages').getByLabel('English only').check();
      await page.getByTestId('first-run-suggestion').filter({ hasText: 'Trove will use all-MiniLM-L6-v2' }).waitFor();

      await page.getByTestId('nav-settings').click();
      const rows = page.getByTestId('model-row');
      await rows.filter({ hasText: 'paraphrase-multilingual-MiniLM-L12-v2' }).waitFor();
      const shipped = rows.filter({ hasText: 'all-MiniLM-L6-v2 (fast, English)' });
      assert.match(await shipped.innerText(), /in use/);
      assert.match(await rows.filter({ hasText: 'multi-qa-mpnet-base-dot-v1' }).innerText(), /dot product[\s\S]*Apache-2\.0[\s\S]*Download/);
      await page.getByTestId('model-manager').scrollIntoViewIfNeeded();
      await screenshot(page, 'models-settings');

      // A copy without its tokenizer: refused, naming the file; nothing is added.
      const broken = join(app.root, 'broken-model');
      cpSync(defaultModelDir(), broken, { recursive: true });
      rmSync(join(broken, 'tokenizer.json'));
      await page.getByTestId('model-folder').fill(broken);
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      await page.getByRole('alert').filter({ hasText: `missing tokenizer: ${join(broken, 'tokenizer.json')}` }).waitFor();
      assert.equal(await rows.filter({ hasText: 'broken-model' }).count(), 0);

      // A good sentence-transformers folder: added, then chosen.
      const good = join(app.root, 'my-model');
      cpSync(defaultModelDir(), good, { recursive: true });
      rmSync(join(good, 'manifest.json'));
      await page.getByTestId('model-folder').fill(good);
      await page.getByRole('button', { name: 'Add', exact: true }).click();
      const added = rows.filter({ hasText: 'my-model' });
      await page.getByTestId('index-model').filter({ hasText: 'Model: all-MiniLM-L6-v2' }).waitFor();
      await added.getByRole('button', { name: 'Use' }).click();
      await added.filter({ hasText: 'in use' }).waitFor();
      assert.doesNotMatch(await shipped.innerText(), /in use/);
      // The running engine changed over without a restart: the status line and the switch notice say so.
      await page.getByTestId('index-model').filter({ hasText: 'Model: my-model' }).waitFor();
      await page.getByTestId('model-switching').filter({ hasText: 'Trove now searches, indexes and answers questions with my-model' }).waitFor();
      assert.equal((await app.service.modelInfo()).id, 'my-model');
      assert.equal((await app.service.listModels()).current, 'my-model');
    } finally {
      await app.close();
    }
  });

  test('a change of model shows its progress in Settings and the status line; Cancel keeps the model; choosing it again finishes without a restart', async () => {
    const app = await startApp(browser);
    try {
      const { page } = app;
      writeAbstracts(app.docs, 60);
      await addFolderThroughUi(page, app.docs);
      await waitForIndexed(page, 60);
      const other = join(app.root, 'my-model');
      cpSync(defaultModelDir(), other, { recursive: true });
      rmSync(join(other, 'manifest.json'));
      await app.service.addModelFolder(other);

      await page.getByTestId('nav-settings').click();
      const row = page.getByTestId('model-row').filter({ hasText: 'my-model' });
      await row.getByRole('button', { name: 'Use' }).click();
      // Progress in the status line and in Settings while the current model still answers.
      await page.getByTestId('index-model').filter({ hasText: /Model: all-MiniLM-L6-v2, moving to my-model \(\d+\/\d+\)/ }).waitFor();
      await page.getByTestId('model-switching').filter({ hasText: /Moving the index to my-model: \d+ of \d+ passages/ }).waitFor();
      await page.getByTestId('model-switch-cancel').click();
      await page.getByTestId('model-switching').filter({ hasText: 'Moving to my-model was cancelled' }).waitFor();
      await page.getByTestId('index-model').filter({ hasText: /^Model: all-MiniLM-L6-v2$/ }).waitFor();
      assert.equal((await app.service.modelInfo()).id, readSentenceModel(defaultModelDir()).id);

      // Chosen again: it continues, then the engine changes over in place.
      await row.getByRole('button', { name: 'Use' }).click();
      await page.getByTestId('model-switching').filter({ hasText: 'Trove now searches, indexes and answers questions with my-model' }).waitFor({ timeout: 180_000 });
      await page.getByTestId('index-model').filter({ hasText: /^Model: my-model$/ }).waitFor();
      // Both models' vectors are kept, the new one in use.
      const sets = page.getByTestId('model-index-sets');
      assert.match(await sets.locator('tr[data-model-id="my-model"]').innerText(), /in use[\s\S]*complete/);
      assert.match(await sets.locator(`tr[data-model-id="${readSentenceModel(defaultModelDir()).id}"]`).innerText(), /complete[\s\S]*Drop/);
      await page.getByTestId('model-manager').scrollIntoViewIfNeeded();
      await screenshot(page, 'models-switched');
    } finally {
      await app.close();
    }
  });
});
