/**
 * A model folder made by tools/model/finetune.py (the small fixture in resources/models/test-fixtures,
 * fine-tuned from tools/model/tiny_base.py's 32-dimension model on STS-B train) goes through what a
 * user does with one: `models add`, seen in `models list` as fine-tuned from its base, then used to
 * measure and to search. Its training record says what it scored in sentence-transformers; Trove's
 * ONNX pipeline must give the same figure.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';

const root = resolve(import.meta.dirname, '..', '..', '..');
const name = 'tiny-minilm-32-stsb';
const fixture = join(root, 'resources', 'models', 'test-fixtures', name);
const stsTest = join(root, '..', 'shared', 'eval', 'stsb', 'sts-test.csv');
const work = mkdtempSync(join(tmpdir(), 'trove-finetuned-'));
after(() => rmSync(work, { recursive: true, force: true }));

function trove(...args: string[]): { code: number | null; out: string; err: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, TROVE_DATA_DIR: join(work, 'data') };
  delete env.TROVE_MODEL_DIR;
  delete env.TROVE_MODEL;
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), ...args], { cwd: root, env, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

interface Training {
  base: string;
  loss: string;
  trainPairs: number;
  before: { heldOut: number; test: number };
  after: { heldOut: number; test: number };
}
const manifest = JSON.parse(readFileSync(join(fixture, 'manifest.json'), 'utf8')) as { base: string; dimension: number; training: Training };

test('the fixture was fine-tuned, and says so: base, loss, data size, before and after', () => {
  const t = manifest.training;
  assert.equal(t.base, manifest.base);
  assert.equal(t.loss, 'CosineSimilarityLoss');
  assert.ok(t.trainPairs > 5000, `${t.trainPairs} training pairs`);
  assert.ok(t.after.test > t.before.test + 5, `fine-tuning helped: test Spearman ${t.before.test} -> ${t.after.test}`);
  const notes = readFileSync(join(fixture, 'TRAINING.md'), 'utf8');
  assert.match(notes, new RegExp(`Fine-tuned from \\*\\*${manifest.base}\\*\\*`));
  assert.match(notes, /\| held-out \| [\d.]+ \| [\d.]+ \|/);
});

test('`models add` takes the folder; the list shows it as fine-tuned from its base', () => {
  const added = trove('models', 'add', fixture);
  assert.equal(added.code, 0, added.err);
  const list = JSON.parse(trove('models', 'list', '--json').out) as { current: string; models: Array<{ name: string; installed: boolean; source: string; base: string | null; dimension: number }> };
  const entry = list.models.find((m) => m.name === name);
  assert.ok(entry, JSON.stringify(list.models.map((m) => m.name)));
  assert.deepEqual({ installed: entry.installed, source: entry.source, base: entry.base, dimension: entry.dimension }, { installed: true, source: 'folder', base: 'tiny-minilm-32', dimension: 32 });
  assert.equal(list.models.find((m) => m.name === 'all-MiniLM-L6-v2')?.base, null, 'the shipped model is nobody’s fine-tune');
  assert.equal(list.current, 'all-MiniLM-L6-v2', 'adding a model does not switch to it');
  const table = trove('models', 'list').out;
  assert.match(table.split('\n').find((l) => l.includes(name)) ?? '', /folder\s+tiny-minilm-32\s+32/);
});

test('measured through Trove it scores what finetune.py measured, and it searches', () => {
  const sts = trove('eval', 'sts', stsTest, '--model', name);
  assert.equal(sts.code, 0, sts.err);
  const measured = JSON.parse(sts.out) as { model: string; spearman: number };
  assert.equal(measured.model, name);
  assert.ok(Math.abs(measured.spearman - manifest.training.after.test) < 0.5, `Trove ${measured.spearman} vs sentence-transformers ${manifest.training.after.test}`);

  // Search: a bank of STS-B test sentences, each paraphrase (gold ≥ 4) asked; the right one comes first often.
  const lookup = trove('questions', 'eval-sts', stsTest, '--model', name);
  assert.equal(lookup.code, 0, lookup.err);
  const { accuracy_at_1, asks } = JSON.parse(lookup.out) as { accuracy_at_1: number; asks: number };
  assert.ok(asks > 300);
  assert.ok(accuracy_at_1 > 0.6, `accuracy@1 ${accuracy_at_1}`);
});
