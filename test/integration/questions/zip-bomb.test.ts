/**
 * Issue 12 item 5: zip bombs made at test time (1 MB on disk, 1 GiB of whitespace inside), as an
 * XLSX bank import and as a DOCX document, honest about their sizes or lying about them. Each is
 * refused with a message naming the problem, in bounded time, and the process that serves the UI
 * (this one) never holds the inflated data: its resident memory stays within 150 MB of where it was.
 */
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { createQuestionService } from '../../../src/core/questions/question-service';
import { IsolatedExtractor } from '../../../src/core/extract/isolated-extractor';
import { writeZipBomb } from '../../support/zip-bomb';
import { closeEngine, sharedEngine, tempDir } from './helpers';

const tmp = tempDir('trove-zip-bomb-');
const MB = 1024 * 1024;

/** Run `fn`, sampling this process's resident memory every 20 ms; returns the growth over the start. */
async function watchingMemory<T>(fn: () => Promise<T>): Promise<{ value: T | Error; rssGrowthMb: number; ms: number }> {
  global.gc?.();
  const start = process.memoryUsage.rss();
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 20);
  const t0 = performance.now();
  let value: T | Error;
  try {
    value = await fn();
  } catch (err) {
    value = err as Error;
  } finally {
    clearInterval(timer);
  }
  peak = Math.max(peak, process.memoryUsage.rss());
  return { value, rssGrowthMb: (peak - start) / MB, ms: performance.now() - t0 };
}

describe('zip bombs', { timeout: 5 * 60_000 }, () => {
  const files: Record<string, string> = {};
  before(async () => {
    for (const [name, kind, lie] of [
      ['lying.xlsx', 'xlsx', true],
      ['honest.xlsx', 'xlsx', false],
      ['lying.docx', 'docx', true],
    ] as const) {
      files[name] = join(tmp.dir, name);
      const made = await writeZipBomb(files[name], kind, { lie });
      assert.ok(made.bytes < 1.2 * MB && made.inflated > 1000 * MB, `${name}: ${made.bytes} bytes holding ${made.inflated}`);
    }
  });
  after(async () => {
    await closeEngine();
    tmp.cleanup();
  });

  for (const name of ['lying.xlsx', 'honest.xlsx']) {
    test(`an XLSX bank import (${name}) is refused as a zip bomb; this process stays small`, async (t) => {
      const service = createQuestionService({ dataDir: join(tmp.dir, `data-${name}`), embedder: sharedEngine() });
      try {
        const run = await watchingMemory(() => service.importFile(files[name], { bank: 'bomb' }));
        t.diagnostic(`${name}: refused in ${(run.ms / 1000).toFixed(1)} s, this process grew ${run.rssGrowthMb.toFixed(0)} MB`);
        assert.ok(run.value instanceof Error, 'the import is refused');
        assert.match(run.value.message, /Excel workbook would unpack to too much data \(xl\/worksheets\/sheet1\.xml .*\) — a zip bomb\?/);
        assert.equal(run.value.name, 'QuestionsError');
        assert.ok(run.rssGrowthMb < 150, `this process grew by ${run.rssGrowthMb.toFixed(0)} MB`);
        assert.ok(run.ms < 60_000, `refused after ${(run.ms / 1000).toFixed(1)} s`);
        assert.deepEqual(await service.listBanks(), [], 'no empty bank is left behind');
        // The reader that took the hit is replaced: a real import right after works.
        const ok = join(tmp.dir, `after-${name}.txt`);
        writeFileSync(ok, 'How do I reset my password?\nWhere is my invoice?\n');
        assert.equal((await service.importFile(ok, { bank: 'after' })).added, 2);
      } finally {
        await service.close();
      }
    });
  }

  test('a DOCX whose sizes lie is refused by the document reader on what it really inflates', async (t) => {
    const reader = new IsolatedExtractor();
    try {
      const run = await watchingMemory(() => reader.extract(readFileSync(files['lying.docx']), 'docx'));
      t.diagnostic(`lying.docx: refused in ${(run.ms / 1000).toFixed(1)} s, this process grew ${run.rssGrowthMb.toFixed(0)} MB`);
      assert.ok(run.value instanceof Error);
      assert.match(run.value.message, /Word document would unpack to too much data \(word\/document\.xml unpacks to more than 64 MB\) — a zip bomb\?/);
      assert.ok(run.rssGrowthMb < 150, `this process grew by ${run.rssGrowthMb.toFixed(0)} MB`);
      assert.ok(run.ms < 60_000, `refused after ${(run.ms / 1000).toFixed(1)} s`);
      assert.equal(reader.restarts, 0, 'refused by the cap, not by killing the reader');
    } finally {
      await reader.close();
    }
  });
});
