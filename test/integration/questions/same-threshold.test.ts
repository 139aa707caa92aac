/**
 * Issue 12 item 13: the "same question" default comes from data. Re-deriving it on STS-B dev (never
 * the test split) with the real model gives the shipped default, and a plain paraphrase that the old
 * 0.80 called only "related" is now the same question.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DEFAULT_SAME_THRESHOLD } from '../../../src/shared/questions';
import { chooseSameThreshold } from '../../../src/core/eval/same-threshold';
import { readSts } from '../../../src/core/eval/sts';
import { createQuestionService } from '../../../src/core/questions/question-service';
import { closeEngine, sharedEngine, tempDir } from './helpers';

const tmp = tempDir();
after(async () => {
  await closeEngine();
  tmp.cleanup();
});

test('the default same-question cut-off is the one STS-B dev picks for the shipped model', async () => {
  const choice = await chooseSameThreshold(sharedEngine(), readSts(join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'eval', 'stsb', 'sts-dev.csv')).pairs);
  assert.equal(choice.pairs, 1500);
  assert.equal(choice.threshold, DEFAULT_SAME_THRESHOLD, `STS-B dev picks ${choice.threshold} (J ${choice.best.youdenJ.toFixed(3)})`);
  // Not a flat curve: the chosen cut-off separates clearly better than the old 0.80 and than 0.70.
  const at = (t: number) => choice.sweep.find((p) => Math.abs(p.threshold - t) < 1e-9)!;
  assert.ok(choice.best.youdenJ - at(0.8).youdenJ > 0.02 && choice.best.youdenJ - at(0.7).youdenJ > 0.02, JSON.stringify([at(0.7), choice.best, at(0.8)]));
});

test('a plain paraphrase of a bank question is the same question under the default', async () => {
  const file = join(tmp.dir, 'helpdesk.txt');
  writeFileSync(file, ['My VPN keeps disconnecting', 'How do I reset my password?', 'Where can I download the invoice?', 'The printer on floor 3 is jammed'].join('\n'));
  const service = createQuestionService({ dataDir: join(tmp.dir, 'data'), embedder: sharedEngine() });
  try {
    await service.importFile(file, { bank: 'helpdesk' });
    const [top] = await service.ask('helpdesk', 'my vpn connection drops all the time');
    assert.equal(top.question, 'My VPN keeps disconnecting');
    assert.equal(top.kind, 'same', `scored ${top.score.toFixed(3)}`);
    const [other] = await service.ask('helpdesk', 'my laptop battery drains fast');
    assert.equal(other.kind, 'related', `an unrelated question is not the same (${other.question}, ${other.score.toFixed(3)})`);
  } finally {
    await service.close();
  }
});
