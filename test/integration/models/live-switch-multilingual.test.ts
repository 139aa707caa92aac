/**
 * Why people change model: an index of Chinese and English documents (real STS-B sentences) and a
 * Chinese question bank, made with the shipped English model, moved in the running engine to the
 * shipped multilingual-e5-small (4-bit; its own "query: " / "passage: " prompts), then to MiniLM's
 * exact fp32 weights (a set of its own beside the default int8 one), then back to e5 without embedding
 * anything. After the move to
 * e5 an English query finds the Chinese passage first and the bank finds Chinese paraphrases, with no
 * restart and no file read again.
 */
import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { openTrove, type TroveAppService } from '../../../src/core/open-trove';
import type { ModelsOverview } from '../../../src/shared/models';
import { tempDir, waitFor } from '../indexing/helpers';
import { docs, englishQuery, zhLines } from './mixed-language-docs';

const E5 = 'multilingual-e5-small-q4';

const work = tempDir('live-switch-zh');
after(() => rmSync(work, { recursive: true, force: true }));

async function switchTo(service: TroveAppService, name: string): Promise<ModelsOverview> {
  await service.useModel(name);
  const done = await waitFor(`the change to ${name}`, async () => {
    const o = await service.listModels();
    return o.switching?.state !== 'embedding' && o;
  }, 300_000);
  assert.equal(done.switching?.state, 'done', done.switching?.error);
  return done;
}

test('moving a Chinese and English index and a Chinese bank to e5, to MiniLM exact and back, live', async () => {
  assert.equal(englishQuery, 'A panda slides down a slide.');
  const folder = join(work, 'docs');
  mkdirSync(folder, { recursive: true });
  for (const [name, text] of Object.entries(docs)) writeFileSync(join(folder, name), text + '\n');
  // Pairs the Chinese STS-B rates 5 (same meaning): the bank holds the first sentences, we ask the second.
  const pairs = zhLines.map((l) => l.split('\t')).filter((f) => f[2] === '5').slice(0, 30);
  const csv = 'id,question\n' + pairs.map((p, i) => `${i},"${p[0].replace(/"/g, '""')}"`).join('\n') + '\n';

  const service = await openTrove({ dataDir: join(work, 'data') });
  try {
    await service.addFolder(folder);
    await service.whenIdle();
    await service.importBank('bank.csv', Buffer.from(csv).toString('base64'), { bank: '常见问题', idColumn: 'id' });
    const firstFound = async () => {
      let first = 0;
      for (let i = 0; i < pairs.length; i++) if ((await service.askQuestion('常见问题', pairs[i][1], 1))[0]?.externalId === String(i)) first++;
      return first;
    };
    const withMiniLM = await firstFound();

    let seen = await switchTo(service, E5);
    assert.equal((await service.modelInfo()).id.split('/').pop()?.startsWith('multilingual-e5-small'), true);
    const hits = await service.search({ text: englishQuery, k: 10 });
    assert.equal(hits.hits[0]?.name, 'zh-panda.txt', JSON.stringify(hits.hits.map((h) => [h.name, h.score])));
    const withE5 = await firstFound();
    assert.ok(withE5 / pairs.length >= 0.85 && withE5 >= withMiniLM, `Chinese paraphrases found first: ${withE5} of ${pairs.length} with e5, ${withMiniLM} with MiniLM`);
    assert.equal(seen.banks?.[0]?.modelId, (await service.modelInfo()).id);

    // MiniLM's exact (fp32) weights are a model of their own beside the default int8: their own set, embedded once.
    seen = await switchTo(service, 'all-MiniLM-L6-v2@exact');
    const info = await service.modelInfo();
    assert.deepEqual([info.id, info.variant], ['sentence-transformers/all-MiniLM-L6-v2', 'fp32']);
    assert.deepEqual(
      seen.index!.map((s) => [s.modelId.split('/').pop(), s.complete, s.inUse]),
      [
        ['all-MiniLM-L6-v2@int8', true, false],
        [e5Id(seen).split('/').pop(), true, false],
        ['all-MiniLM-L6-v2', true, true],
      ],
    );

    // Back to e5: its vectors are complete, nothing is embedded, and it answers as before.
    seen = await switchTo(service, E5);
    assert.equal(seen.switching!.embedded, 0);
    assert.equal((await service.search({ text: englishQuery, k: 10 })).hits[0]?.name, 'zh-panda.txt');
    assert.equal(await firstFound(), withE5);
  } finally {
    await service.close();
  }
});

/** The id e5's vectors are stored under (from the overview's sets: the one neither MiniLM). */
function e5Id(o: ModelsOverview): string {
  return o.index!.find((s) => !s.modelId.includes('MiniLM'))!.modelId;
}
