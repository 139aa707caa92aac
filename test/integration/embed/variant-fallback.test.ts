/**
 * Issue 19 item 3: never an empty index because of a model check. A copy of the shipped all-MiniLM-L6-v2
 * whose int8 check expects a similarity no CPU gives (as a CPU whose kernels differ would see it) still
 * indexes every file, with the fp32 weights, and says so once (embedding process, status JSON, CLI
 * stderr); a copy whose fp32 weights fail too is refused once, before any file is read, with one line
 * naming the model file and what to do — not one problem per file. Real model, real CLI processes, real
 * SciFact abstracts; each run has its own data folder.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { EmbedderProcess } from '../../../src/core/embed/embedder-process';
import { DEFAULT_MODEL_NAME, shippedModelsDir, type ModelManifest } from '../../../src/core/embed/model-files';
import { scifactDocs, tempDir, writeDocs } from '../indexing/helpers';

const repo = join(import.meta.dirname, '..', '..', '..');
const shipped = join(shippedModelsDir(), DEFAULT_MODEL_NAME);
const root = tempDir('variant-fallback');
after(() => rmSync(root, { recursive: true, force: true }));

/** The shipped model with an edited manifest; every other file linked, so its sha256 still holds. */
function modelCopy(name: string, edit: (m: ModelManifest) => void): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  for (const entry of readdirSync(shipped)) if (entry !== 'manifest.json') symlinkSync(join(shipped, entry), join(dir, entry));
  const manifest = JSON.parse(readFileSync(join(shipped, 'manifest.json'), 'utf8')) as ModelManifest;
  edit(manifest);
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

/** The int8 check expects 0.95 for the quickstart pair (every CPU gives ~0.65): refused everywhere. */
const wrongInt8 = (m: ModelManifest) => {
  m.variantChecks!.int8!.checks[0].similarity = 0.95;
};

function trove(args: string[], modelDir: string, dataDir: string): { code: number | null; stdout: string; stderr: string } {
  const env = { ...process.env, TROVE_MODEL_DIR: modelDir, TROVE_DATA_DIR: dataDir, TROVE_PROGRESS_MS: '60000' };
  const r = spawnSync(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', ...args], { cwd: repo, env, encoding: 'utf8', timeout: 300_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('a refused int8 variant: the embedding process uses fp32 and says why', async () => {
  const dir = modelCopy('wrong-int8', wrongInt8);
  const p = await EmbedderProcess.start({ modelDir: dir, threads: 1 });
  try {
    assert.equal(p.variant, 'fp32');
    assert.equal(p.modelId, 'sentence-transformers/all-MiniLM-L6-v2', 'fp32 vectors go to the fp32 set, never the int8 one');
    assert.equal(p.fallback?.from, 'int8');
    assert.match(p.fallback!.reason, /model refused: .*wrong-int8\/onnx\/model_qint8\.onnx gives similarity 0\.6\d+ .* expected 0\.9500 ± 0\.05/);
    const [a, b] = await p.encode(['The weather is lovely today.', "It's so sunny outside!"]);
    const cos = a.reduce((s, x, i) => s + x * b[i], 0);
    assert.ok(Math.abs(cos - 0.666) < 0.002, `fp32 gives sentence-transformers' 0.6660, got ${cos}`);
  } finally {
    await p.close();
  }
  // The shipped folder's own int8 passes on this CPU: no fallback, no notice.
  const shippedProcess = await EmbedderProcess.start({ modelDir: shipped, threads: 1 });
  try {
    assert.equal(shippedProcess.variant, 'int8');
    assert.equal(shippedProcess.fallback, null);
  } finally {
    await shippedProcess.close();
  }
});

test('trove index with a refused int8 variant indexes every file with fp32 and says so once', () => {
  const dir = modelCopy('wrong-int8-cli', wrongInt8);
  const docs = join(root, 'docs-fallback');
  writeDocs(docs, scifactDocs(12));
  const data = join(root, 'data-fallback');
  const db = join(data, 'index.sqlite');
  const run = trove(['index', docs, '--db', db], dir, data);
  assert.equal(run.code, 0, run.stderr);
  const summary = JSON.parse(run.stdout.trim().split('\n').pop()!) as { filesIndexed: number; problems: number };
  assert.equal(summary.filesIndexed, 12, run.stderr);
  assert.equal(summary.problems, 0);
  const notices = run.stderr.split('\n').filter((l) => /int8 weights of all-MiniLM-L6-v2 failed their check/.test(l));
  assert.equal(notices.length, 1, `one notice on stderr:\n${run.stderr}`);
  assert.match(notices[0], /exact fp32 weights are used instead/);

  const status = trove(['status', '--db', db], dir, data);
  assert.equal(status.code, 0, status.stderr);
  const model = (JSON.parse(status.stdout) as { model: { id: string; variant: string; fallback: { from: string; to: string; reason: string } | null } }).model;
  assert.equal(model.variant, 'fp32');
  assert.deepEqual([model.fallback?.from, model.fallback?.to], ['int8', 'fp32']);
});

test('when every variant is refused, trove index fails once, before reading a file, naming the model file', () => {
  const dir = modelCopy('all-refused', (m) => {
    wrongInt8(m);
    // The fp32 weights' check (the manifest's own pairs win over the published ones) fails too.
    m.checks = [{ a: 'The weather is lovely today.', b: "It's so sunny outside!", similarity: 0.1 }];
  });
  const docs = join(root, 'docs-refused');
  writeDocs(docs, scifactDocs(8));
  const data = join(root, 'data-refused');
  const db = join(data, 'index.sqlite');
  const run = trove(['index', docs, '--db', db], dir, data);
  assert.notEqual(run.code, 0, 'the command fails');
  const lines = run.stderr.split('\n').filter((l) => /nothing can be indexed with this model/.test(l));
  assert.equal(lines.length, 1, `one line:\n${run.stderr}`);
  assert.match(lines[0], /all-refused\/onnx\/model\.onnx gives similarity .* expected 0\.1000/);
  assert.match(lines[0], /models use <name>/, 'and what to do');
  const summary = JSON.parse(run.stdout.trim().split('\n').pop()!) as { filesIndexed: number; problems: number };
  assert.deepEqual([summary.filesIndexed, summary.problems], [0, 0], 'no file read, not one problem per file');
});
