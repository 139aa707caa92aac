/// <reference lib="dom" />
/**
 * The model manager as a person meets it, in a real Chromium against the web host and the real engine:
 * the first-run language question and its suggestion, the Models section of Settings listing the
 * catalogue with the model in use, a folder that is not a usable model refused with the file named
 * (the current model still searching), a good folder added and chosen: the running engine changes over
 * to it without a restart and the status line names it.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { Browser } from 'playwright-core';
import { defaultModelDir, type ModelManifest } from '../../src/core/embed/model-files';
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

  /** The shipped model with its manifest edited (other files linked: their sha256 still holds). */
  function modelCopy(edit: (m: ModelManifest) => void): { dir: string; remove: () => void } {
    const root = mkdtempSync(join(tmpdir(), 'trove-e2e-model-'));
    const dir = join(root, 'all-MiniLM-L6-v2');
    mkdirSync(dir);
    for (const entry of readdirSync(defaultModelDir())) if (entry !== 'manifest.json') symlinkSync(join(defaultModelDir(), entry), join(dir, entry));
    const manifest = JSON.parse(readFileSync(join(defaultModelDir(), 'manifest.json'), 'utf8')) as ModelManifest;
    edit(manifest);
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));
    return { dir, remove: () => rmSync(root, { recursive: true, force: true }) };
  }
  // What a CPU whose int8 kernels gave other numbers would meet: the int8 check expects 0.95 (every CPU gives ~0.65).
  const wrongInt8 = (m: ModelManifest) => void (m.variantChecks!.int8!.checks[0].similarity = 0.95);

  test('int8 weights refused on this CPU: the files are indexed with fp32, and the status line and Settings say so', async () => {
    const model = modelCopy(wrongInt8);
    const app = await startApp(browser, {}, { modelDir: model.dir });
    try {
      const { page } = app;
      writeAbstracts(app.docs, 8);
      await addFolderThroughUi(page, app.docs);
      await waitForIndexed(page, 8);
      await page.getByTestId('model-fallback').filter({ hasText: 'Using the exact fp32 weights: the int8 weights failed their check on this computer' }).waitFor();
      await page.getByTestId('nav-settings').click();
      const note = page.getByTestId('settings-model-fallback');
      assert.match(await note.innerText(), /Its int8 weights failed their check on this computer, so its exact fp32 weights are used: model refused: .*model_qint8\.onnx gives similarity/);
      await screenshot(page, 'model-fallback');
    } finally {
      await app.close();
      model.remove();
    }
  });

  test('"Use the graphics processor when available" where none can be used: the CPU runs the model, Settings and the status line say why, the index stays', async () => {
    const app = await startApp(browser);
    try {
      const { page } = app;
      writeAbstracts(app.docs, 6);
      await addFolderThroughUi(page, app.docs);
      await waitForIndexed(page, 6);
      await page.getByTestId('nav-settings').click();
      const where = page.getByTestId('settings-device');
      assert.equal(await where.getAttribute('data-provider'), 'cpu');
      assert.match(await where.innerText(), /^CPU/);
      const toggle = page.getByTestId('device-toggle');
      assert.equal(await toggle.isChecked(), false, 'the CPU by default');
      await toggle.check();
      // The model's process is started again on the setting; on this machine no GPU provider loads.
      await page.waitForFunction(() => (document.querySelector('[data-testid="device-toggle"]') as HTMLInputElement | null)?.disabled === false);
      const provider = await where.getAttribute('data-provider');
      if (provider === 'cpu') {
        const notice = page.getByTestId('settings-device-notice');
        await notice.waitFor();
        assert.match(await notice.innerText(), /^The graphics processor could not be used, so the model runs on the CPU:\s+graphics processor \(CUDA\): did not load \(.*Failed to load shared library\)/);
        await page.getByTestId('device-fallback').filter({ hasText: 'Embedding on the CPU: the graphics processor could not be used' }).waitFor();
        await screenshot(page, 'device-fallback');
      }
      await waitForIndexed(page, 6);
      // Kept: a reload shows the setting on; turned off, the notice goes.
      await page.reload();
      await page.getByTestId('nav-settings').click();
      assert.equal(await page.getByTestId('device-toggle').isChecked(), true);
      await page.getByTestId('device-toggle').uncheck();
      await page.getByTestId('settings-device-notice').waitFor({ state: 'detached' });
      assert.equal(await page.getByTestId('settings-device').getAttribute('data-provider'), 'cpu');
    } finally {
      await app.close();
    }
  });

  test('a model whose every variant is refused: one alert in the status line, no file read, nothing listed as a problem', async () => {
    const model = modelCopy((m) => {
      wrongInt8(m);
      m.checks = [{ a: 'The weather is lovely today.', b: "It's so sunny outside!", similarity: 0.1 }];
    });
    const app = await startApp(browser, {}, { modelDir: model.dir });
    try {
      const { page } = app;
      writeAbstracts(app.docs, 5);
      await addFolderThroughUi(page, app.docs);
      const alert = page.getByTestId('model-problem');
      await alert.filter({ hasText: /^nothing can be indexed with this model: model refused: .*onnx\/model\.onnx .*Choose another model in Settings/ }).waitFor({ timeout: 60_000 });
      const status = await app.service.status();
      assert.deepEqual([status.filesIndexed, status.problems], [0, 0]);
    } finally {
      await app.close();
      model.remove();
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
