/**
 * Big and failing imports, with a stand-in embedder (vectors from a hash of the text) so the test is
 * about streaming and transactions, not the model: a 50 MB CSV is read as a stream, and an embedder
 * that fails part-way leaves the batches before it stored; importing again embeds only the rest.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { Embedder } from '../../../src/core/embed/types';
import { IMPORT_BATCH } from '../../../src/core/questions/importer';
import { createQuestionService } from '../../../src/core/questions/question-service';
import { readDelimited } from '../../../src/core/questions/table-readers';
import { decodeLines } from '../../../src/core/text/decode-lines';
import { readHead, sniffEncoding } from '../../../src/core/text/decode-text';
import { tempDir } from './helpers';

const tmp = tempDir();
after(() => tmp.cleanup());

/** Vectors from a hash of the text; once `failAfterTexts` texts are embedded, every further call fails like a dead process. */
function hashEmbedder(failAfterTexts = Infinity): Embedder & { calls: number; texts: number } {
  return {
    modelId: 'test/hash-vectors',
    dimension: 384,
    maxSeqLength: 256,
    similarity: 'cosine',
    calls: 0,
    texts: 0,
    async encode(texts) {
      this.calls++;
      // Counted in texts, not calls: the importer may split a batch into several calls (for progress).
      if (this.texts >= failAfterTexts) throw new Error('embedding process died');
      this.texts += texts.length;
      return texts.map((t) => {
        const h = createHash('sha512').update(t).digest();
        const v = new Float32Array(384);
        for (let i = 0; i < 384; i++) v[i] = h[i % 64] - 128 + (i % 7);
        let n = 0;
        for (const x of v) n += x * x;
        return v.map((x) => x / Math.sqrt(n));
      });
    },
    async close() {},
  };
}

test('a 50 MB CSV is streamed (rows come out before the file is read); skipped rows are counted, not all listed', async () => {
  const file = join(tmp.dir, 'huge.csv');
  const out = createWriteStream(file);
  out.write('id,question,answer\n');
  const filler = 'x'.repeat(300);
  const rows = 160_000; // ~50 MB
  for (let i = 1; i <= rows; i++) {
    const q = i % 5000 === 0 ? `Question number ${i} about topic ${i % 97}?` : '';
    if (!out.write(`${i},${q},"${filler}"\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
  // Streamed: the first rows come out long before the whole file has been read.
  let t0 = performance.now();
  const { head } = await readHead(file);
  const enc = sniffEncoding(head, false);
  let firstRows = 0;
  for await (const r of readDelimited(decodeLines(file, enc, head), ',', { columns: {}, header: 'auto' })) {
    if (r.row >= 5001) break;
  }
  firstRows = performance.now() - t0;
  const embedder = hashEmbedder();
  const service = createQuestionService({ dataDir: join(tmp.dir, 'huge-data'), embedder });
  t0 = performance.now();
  try {
    const r = await service.importFile(file, { bank: 'huge' });
    assert.equal(r.added, rows / 5000);
    assert.equal(r.skipped.length, 10_001, 'listed up to 10,000, then one summary line');
    assert.match(r.skipped.at(-1)!.reason, new RegExp(`and ${rows - rows / 5000 - 10_000} more skipped rows`));
    assert.deepEqual(r.skipped[0], { row: 2, reason: 'empty question' });
  } finally {
    await service.close();
  }
  const whole = performance.now() - t0;
  assert.ok(firstRows < whole / 5, `first 5,000 rows after ${firstRows.toFixed(0)} ms, whole file ${whole.toFixed(0)} ms`);
});

test('an embedder failing part-way keeps the batches before it; importing again embeds only the rest', async () => {
  const file = join(tmp.dir, 'many.txt');
  const n = IMPORT_BATCH * 2 + 100;
  const out = createWriteStream(file);
  for (let i = 0; i < n; i++) out.write(`How do I configure option ${i} of the scheduler?\n`);
  out.end();
  await once(out, 'finish');
  const dataDir = join(tmp.dir, 'fail-data');
  const failing = hashEmbedder(IMPORT_BATCH);
  const s1 = createQuestionService({ dataDir, embedder: failing });
  const r1 = await s1.importFile(file, { bank: 'b' });
  assert.match(r1.error ?? '', /embedding process died/);
  assert.equal(r1.added, IMPORT_BATCH);
  assert.equal((await s1.listBanks())[0].size, IMPORT_BATCH);
  await s1.close();

  const ok = hashEmbedder();
  const s2 = createQuestionService({ dataDir, embedder: ok });
  const r2 = await s2.importFile(file, { bank: 'b' });
  assert.equal(r2.error, undefined);
  assert.equal(ok.texts, n - IMPORT_BATCH, 'only the rows not stored yet are embedded');
  assert.deepEqual([r2.added, r2.unchanged, r2.bank.size], [n - IMPORT_BATCH, IMPORT_BATCH, n]);
  await s2.close();
});
