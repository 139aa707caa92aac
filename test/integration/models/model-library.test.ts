/**
 * "Add a model from a folder" with the real shipped model and broken copies of it, through the CLI
 * (`trove models add|list|use|remove`) in a fresh data folder: each refusal names the file at fault
 * and leaves the model in use untouched.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, test } from 'node:test';
import { defaultModelDir } from '../../../src/core/embed/model-files';

const root = resolve(import.meta.dirname, '..', '..', '..');
const work = mkdtempSync(join(tmpdir(), 'trove-library-'));
const data = join(work, 'data');
after(() => rmSync(work, { recursive: true, force: true }));

function trove(...args: string[]): { code: number | null; out: string; err: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, TROVE_DATA_DIR: data };
  delete env.TROVE_MODEL_DIR;
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(root, 'src', 'cli', 'main.ts'), ...args], { cwd: root, env, encoding: 'utf8' });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

function copy(name: string, edit: (dir: string) => void = () => {}): string {
  const dir = join(work, name);
  cpSync(defaultModelDir(), dir, { recursive: true });
  rmSync(join(dir, 'manifest.json'));
  edit(dir);
  return dir;
}

test('bad folders are refused by `models add` with the file named; the current model keeps working', () => {
  const cases: Array<[string, (d: string) => void, RegExp]> = [
    ['plain-folder', (d) => rmSync(join(d, 'modules.json')), /not a sentence-transformers model: .*plain-folder\/modules\.json is missing/],
    ['no-tokenizer', (d) => rmSync(join(d, 'tokenizer.json')), /missing tokenizer: .*no-tokenizer\/tokenizer\.json/],
    ['odd-pooling', (d) => writeFileSync(join(d, '1_Pooling', 'config.json'), JSON.stringify({ word_embedding_dimension: 384, pooling_mode_weightedmean_tokens: true })), /unknown pooling in .*odd-pooling\/1_Pooling\/config\.json: pooling_mode_weightedmean_tokens/],
    ['bad-graph', (d) => writeFileSync(join(d, 'onnx', 'model.onnx'), Buffer.alloc(4096, 7)), /the model graph fails to load: .*bad-graph\.partial\/onnx\/model\.onnx/],
    ['wide', (d) => writeFileSync(join(d, '1_Pooling', 'config.json'), JSON.stringify({ word_embedding_dimension: 768, pooling_mode_mean_tokens: true })), /dimension mismatch: .*wide\.partial\/onnx\/model\.onnx .* the pooling config says 768/],
  ];
  for (const [name, edit, message] of cases) {
    const r = trove('models', 'add', copy(name, edit));
    assert.equal(r.code, 1, `${name}: ${r.err}`);
    assert.match(r.err, message, name);
    assert.ok(!existsSync(join(data, 'models', name)) && !existsSync(join(data, 'models', `${name}.partial`)), `${name} left nothing behind`);
  }
  const sim = trove('similarity', 'A man is playing a guitar.', 'A man plays the guitar.');
  assert.equal(sim.code, 0, sim.err);
  assert.ok(Number(sim.out) > 0.9, `the shipped model still answers: ${sim.out}`);
});

test('a good folder is added with a manifest, listed, used, and removed once another model is in use', () => {
  const added = trove('models', 'add', copy('my-minilm'), '--name', 'my-minilm');
  assert.equal(added.code, 0, added.err);
  const manifest = JSON.parse(readFileSync(join(data, 'models', 'my-minilm', 'manifest.json'), 'utf8')) as { id: string; files: Record<string, unknown> };
  assert.equal(manifest.id, 'my-minilm');
  assert.ok(manifest.files['onnx/model.onnx'] && manifest.files['tokenizer.json']);

  const list = JSON.parse(trove('models', 'list', '--json').out) as { current: string; models: Array<{ name: string; installed: boolean; source: string }> };
  assert.equal(list.current, 'all-MiniLM-L6-v2');
  assert.deepEqual(list.models.find((m) => m.name === 'my-minilm'), { ...list.models.find((m) => m.name === 'my-minilm'), installed: true, source: 'folder' });
  assert.ok(list.models.some((m) => m.name === 'multilingual-e5-small' && !m.installed));

  assert.equal(trove('models', 'use', 'my-minilm').code, 0);
  const sample = join(work, 'sts-sample.tsv');
  writeFileSync(sample, readFileSync(join(root, '..', 'shared', 'eval', 'stsb', 'sts-dev.csv'), 'utf8').split('\n').slice(0, 40).join('\n'));
  const evalRun = trove('eval', 'sts', sample);
  assert.equal(evalRun.code, 0, evalRun.err);
  assert.equal(JSON.parse(evalRun.out).model, 'my-minilm', 'commands embed with the model in use');
  const inUse = trove('models', 'remove', 'my-minilm');
  assert.match(inUse.err, /my-minilm is the model in use: choose another one first/);
  assert.equal(trove('models', 'use', 'all-MiniLM-L6-v2').code, 0);
  assert.equal(trove('models', 'remove', 'my-minilm').code, 0);
  assert.ok(!existsSync(join(data, 'models', 'my-minilm')));
  assert.match(trove('models', 'remove', 'all-MiniLM-L6-v2').err, /no installed model named|ships with Trove/);
  assert.match(trove('models', 'use', 'multilingual-e5-small').err, /model multilingual-e5-small is not downloaded yet: run `trove models get multilingual-e5-small`/);
});
