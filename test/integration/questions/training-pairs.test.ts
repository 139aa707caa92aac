/**
 * `questions export-pairs`: a bank made of STS-B dev sentences, its duplicates reviewed the way the
 * gold scores say (paraphrases merged, related-but-different pairs kept or dismissed), exported as
 * fine-tuning data through the service, the UI's API and the CLI. A merge removes the second question
 * from the bank; its text must still reach the file.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { after, before, test } from 'node:test';
import { parse } from 'csv-parse/sync';
import { dot } from '../../../src/core/embed/similarity';
import { readSts } from '../../../src/core/eval/sts';
import { createQuestionService } from '../../../src/core/questions/question-service';
import { createQuestionsApi } from '../../../src/core/questions/questions-api';
import { questionsSchemas } from '../../../src/shared/questions-api';
import type { QuestionService } from '../../../src/shared/questions';
import { closeEngine, sharedEngine, tempDir } from './helpers';

const root = resolve(import.meta.dirname, '..', '..', '..');
const dev = readSts(join(root, '..', 'shared', 'eval', 'stsb', 'sts-dev.csv')).pairs;
// Paraphrases (gold ≥ 4.6) and related sentences that say different things (gold 1.5–3.0).
const same = dev.filter((p) => p.score >= 4.6 && p.a !== p.b).slice(0, 12);
const different = dev.filter((p) => p.score >= 1.5 && p.score <= 3.0).slice(0, 12);
const key = (a: string, b: string) => [a, b].sort().join('\u0000');
const sameKeys = new Set(same.map((p) => key(p.a, p.b)));
const differentKeys = new Set(different.map((p) => key(p.a, p.b)));

const tmp = tempDir();
const data = join(tmp.dir, 'data');
let service: QuestionService;
const reviewed = { merged: [] as Array<{ kept: string; merged: string }>, kept: [] as string[][], dismissed: [] as string[][] };

before(async () => {
  const file = join(tmp.dir, 'bank.jsonl');
  const texts = [...new Set([...same, ...different].flatMap((p) => [p.a, p.b]))];
  writeFileSync(file, texts.map((q, i) => JSON.stringify({ id: `q${i}`, question: q })).join('\n') + '\n');
  service = createQuestionService({ dataDir: data, embedder: sharedEngine() });
  await service.importFile(file, { bank: 'sts' });
  await service.importFile(file, { bank: 'unreviewed' });
  // Review as a person would from the Duplicates list; a merge removes `b`, so its other pairs go.
  const removed = new Set<number>();
  for (const p of await service.duplicates('sts', { threshold: 0.3 })) {
    if (removed.has(p.a.id) || removed.has(p.b.id)) continue;
    const k = key(p.a.question, p.b.question);
    if (sameKeys.has(k)) {
      await service.reviewPair('sts', p.a.id, p.b.id, 'merge');
      removed.add(p.b.id);
      reviewed.merged.push({ kept: p.a.question, merged: p.b.question });
    } else if (differentKeys.has(k)) {
      const decision = (reviewed.kept.length + reviewed.dismissed.length) % 2 === 0 ? 'keep' : 'dismiss';
      await service.reviewPair('sts', p.a.id, p.b.id, decision);
      (decision === 'keep' ? reviewed.kept : reviewed.dismissed).push([p.a.question, p.b.question]);
    }
  }
  assert.ok(reviewed.merged.length >= 8 && reviewed.kept.length >= 3 && reviewed.dismissed.length >= 3, JSON.stringify(reviewed).slice(0, 300));
});

after(async () => {
  await service?.close();
  await closeEngine();
  tmp.cleanup();
});

type Row = { sentence1: string; sentence2: string; score: string };
const readRows = (text: string) => parse(text, { columns: true, bom: true }) as Row[];

test('the file holds every merge as 1.0 and every kept or dismissed pair as 0.0, merged questions included', async () => {
  const file = join(tmp.dir, 'pairs.csv');
  const summary = await service.exportTrainingPairs('sts', file);
  const text = readFileSync(file, 'utf8');
  assert.equal(text.split('\r\n')[0], 'sentence1,sentence2,score');
  const rows = readRows(text);
  assert.deepEqual(summary, { pairs: rows.length, merged: reviewed.merged.length, different: reviewed.kept.length + reviewed.dismissed.length, hardNegatives: 0 });
  const scoreOf = new Map(rows.map((r) => [key(r.sentence1, r.sentence2), r.score]));
  for (const m of reviewed.merged) assert.equal(scoreOf.get(key(m.kept, m.merged)), '1.0', `merged: ${m.kept} / ${m.merged}`);
  for (const [a, b] of [...reviewed.kept, ...reviewed.dismissed]) assert.equal(scoreOf.get(key(a, b)), '0.0', `different: ${a} / ${b}`);

  // The merged-away questions are gone from the bank, yet their text is in the training data.
  const bankFile = join(tmp.dir, 'bank-now.csv');
  await service.exportBank('sts', bankFile);
  const inBank = new Set((parse(readFileSync(bankFile, 'utf8'), { columns: true }) as Array<{ question: string }>).map((r) => r.question));
  for (const m of reviewed.merged) {
    assert.ok(!inBank.has(m.merged), `"${m.merged}" left the bank`);
    assert.ok(rows.some((r) => r.sentence2 === m.merged));
  }
});

test('hard negatives: close questions of the bank, never the merged partner, less similar than it', async () => {
  const pairs = await service.trainingPairs('sts', { hardNegatives: 2 });
  const hard = pairs.filter((p) => p.kind === 'hard-negative');
  assert.ok(hard.length >= reviewed.merged.length, `${hard.length} hard negatives for ${reviewed.merged.length} merges`);
  const partner = new Map(reviewed.merged.map((m) => [m.kept, m.merged]));
  const perAnchor = new Map<string, number>();
  const engine = sharedEngine();
  for (const h of hard) {
    assert.equal(h.score, 0);
    assert.ok(partner.has(h.sentence1), 'anchored on a kept question');
    assert.notEqual(h.sentence2, partner.get(h.sentence1));
    perAnchor.set(h.sentence1, (perAnchor.get(h.sentence1) ?? 0) + 1);
    const [anchor, negative, positive] = await engine.encode([h.sentence1, h.sentence2, partner.get(h.sentence1)!], { role: 'query' });
    assert.ok(dot(anchor, negative) < dot(anchor, positive), `"${h.sentence2}" is less like "${h.sentence1}" than its merged twin`);
  }
  assert.ok(Math.max(...perAnchor.values()) <= 2);
  const keys = pairs.map((p) => key(p.sentence1, p.sentence2));
  assert.equal(new Set(keys).size, keys.length, 'no pair twice');
});

test('the API returns the same CSV as a download; arguments are validated', async () => {
  const api = createQuestionsApi(service);
  const file = join(tmp.dir, 'pairs-hard.csv');
  await service.exportTrainingPairs('sts', file, { hardNegatives: 2 });
  const download = await api.exportTrainingPairs('sts', 2);
  assert.equal(download.fileName, 'sts-pairs.csv');
  assert.equal(download.mimeType, 'text/csv');
  assert.equal(download.content, readFileSync(file, 'utf8'));
  assert.equal(download.pairs, readRows(download.content).length);
  assert.equal(questionsSchemas.exportTrainingPairs.safeParse(['sts', 21]).success, false);
  assert.equal(questionsSchemas.exportTrainingPairs.safeParse(['sts', -1]).success, false);
  assert.equal(questionsSchemas.exportTrainingPairs.safeParse(['sts']).success, true);
});

test('an unknown bank and a bank with no reviewed pairs are refused with what to do', async () => {
  await assert.rejects(service.trainingPairs('nope'), /no question bank named "nope" \(banks: "sts", "unreviewed"\)/);
  await assert.rejects(service.exportTrainingPairs('unreviewed', join(tmp.dir, 'none.csv')), /bank "unreviewed" has no reviewed duplicate pairs yet: in Duplicates .*merge pairs that are the same question/);
});

test('`trove questions export-pairs` writes the same file and says what it holds', async () => {
  await service.close();
  await closeEngine();
  const trove = (...args: string[]) => {
    // A data folder of its own: no model chosen with `models use` elsewhere applies.
    // The bank was embedded with the exact (fp32) weights (sharedEngine): the CLI mines with the same ones.
    const env: NodeJS.ProcessEnv = { ...process.env, TROVE_DATA_DIR: data, TROVE_MODEL: 'all-MiniLM-L6-v2@exact' };
    const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), 'questions', ...args, '--data', data], { cwd: root, env, encoding: 'utf8' });
    return { code: r.status, out: r.stdout, err: r.stderr };
  };
  const out = join(tmp.dir, 'cli-pairs.csv');
  const r = trove('export-pairs', 'sts', '--out', out, '--hard-negatives', '2');
  assert.equal(r.code, 0, r.err);
  assert.equal(readFileSync(out, 'utf8'), readFileSync(join(tmp.dir, 'pairs-hard.csv'), 'utf8'));
  assert.match(r.out, new RegExp(`pairs written to .*cli-pairs\\.csv: ${reviewed.merged.length} merged \\(score 1\\.0\\), ${reviewed.kept.length + reviewed.dismissed.length} kept both or dismissed \\(0\\.0\\), \\d+ hard negatives mined from the bank \\(0\\.0\\)`));
  const none = trove('export-pairs', 'unreviewed', '--out', join(tmp.dir, 'x.csv'));
  assert.equal(none.code, 1);
  assert.match(none.err, /bank "unreviewed" has no reviewed duplicate pairs yet/);
});
