/**
 * Issue 12 item 15, the API under the UI: importBank reports its progress (rows done of the file's
 * rows, rate, ETA) as it goes, and cancelImport stops it, keeping what was stored. Real model, 1,500
 * real STS-B train sentences.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { ImportProgress } from '../../../src/shared/questions';
import { readSts } from '../../../src/core/eval/sts';
import { createQuestionService } from '../../../src/core/questions/question-service';
import { createQuestionsApi } from '../../../src/core/questions/questions-api';
import { closeEngine, sharedEngine, tempDir } from './helpers';

const ROOT = join(import.meta.dirname, '..', '..', '..');
const tmp = tempDir('trove-import-progress-');
after(async () => {
  await closeEngine();
  tmp.cleanup();
});

function trainCsv(n: number): string {
  const sentences = [...new Set(readSts(join(ROOT, '..', 'shared', 'eval', 'stsb', 'sts-train.csv')).pairs.map((p) => p.a))].slice(0, n);
  return Buffer.from(['id,question', ...sentences.map((q, i) => `t${i + 1},"${q.replace(/"/g, '""')}"`)].join('\n') + '\n').toString('base64');
}

test('importBank reports progress as it goes and can be cancelled, keeping what it stored', { timeout: 10 * 60_000 }, async () => {
  const service = createQuestionService({ dataDir: join(tmp.dir, 'data'), embedder: sharedEngine() });
  const events: ImportProgress[] = [];
  let cancelled: Promise<boolean> | null = null;
  const api = createQuestionsApi(service, (p) => {
    events.push(p);
    // Once some questions are stored (the first batch of 512 is in), stop it.
    if (!cancelled && p.embedded >= 600) cancelled = api.cancelImport('train');
  });
  try {
    const report = await api.importBank('train-1500.csv', trainCsv(1500), { bank: 'train' });
    assert.equal(await cancelled, true, 'cancelImport found the running import');
    assert.match(report.error ?? '', /^stopped after \d+ rows were read: cancelled; the 512 questions stored before that stay in the bank$/);
    assert.equal(report.bank.size, 512);
    assert.equal((await service.listBanks())[0].size, 512);
    assert.equal(await api.cancelImport('train'), false, 'nothing left to cancel');

    assert.ok(events.length >= 3, `${events.length} progress events`);
    for (const e of events) {
      assert.equal(e.file, 'train-1500.csv');
      assert.equal(e.bank, 'train');
      assert.equal(e.rowsTotal, 1500);
      assert.ok(e.fraction >= 0 && e.fraction <= 1);
    }
    for (let i = 1; i < events.length; i++) assert.ok(events[i].rowsRead >= events[i - 1].rowsRead && events[i].rowsDone >= events[i - 1].rowsDone && events[i].embedded >= events[i - 1].embedded, 'counts only go up');
    const mid = events.filter((e) => !e.done && e.etaSeconds !== null);
    assert.ok(mid.length > 0 && mid.every((e) => e.rowsPerSecond > 0 && e.etaSeconds! > 0), 'a rate and a time left while it runs');
    assert.equal(events.at(-1)!.done, true, 'the last event says it is over');

    // Importing again resumes: the 512 stored are unchanged, the rest are added.
    const again = await api.importBank('train-1500.csv', trainCsv(1500), { bank: 'train' });
    assert.equal(again.error, undefined);
    assert.equal(again.unchanged, 512);
    assert.equal(again.added, 1500 - 512);
  } finally {
    await service.close();
  }
});
