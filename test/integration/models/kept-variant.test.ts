/**
 * The shipped model's default weights changed (fp32 → int8). An index built with fp32 by someone who
 * never chose a variant must keep fp32 after the upgrade — reopened, nothing is embedded again and
 * Settings shows "exact" — while a new data folder gets int8. Real engine, real SQLite index, real files.
 */
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { DEFAULT_MODEL_NAME, defaultModelDir, readManifest } from '../../../src/core/embed/model-files';
import { ModelLibrary } from '../../../src/core/models/model-library';
import { openTrove } from '../../../src/core/open-trove';
import { scifactDocs, tempDir, writeDocs } from '../indexing/helpers';

const FP32_ID = 'sentence-transformers/all-MiniLM-L6-v2';
const work = tempDir('kept-variant');
after(() => rmSync(work, { recursive: true, force: true }));
// The choice lives in the data folder here; TROVE_MODEL_DIR would pin the model and bypass it.
delete process.env.TROVE_MODEL_DIR;
delete process.env.TROVE_MODEL;

/** Vectors per model id in an index database. */
function vectorsByModel(dataDir: string): Record<string, number> {
  const db = new Database(join(dataDir, 'index.sqlite'), { readonly: true });
  try {
    const rows = db
      .prepare('SELECT es.model_id AS model, COUNT(*) AS n FROM vectors v JOIN embedding_sets es ON es.id = v.embedding_set_id GROUP BY es.id')
      .all() as Array<{ model: string; n: number }>;
    return Object.fromEntries(rows.map((r) => [r.model, r.n]));
  } finally {
    db.close();
  }
}

const variantShown = (service: Awaited<ReturnType<typeof openTrove>>) =>
  service.listModels().then((o) => o.models.find((m) => m.name === DEFAULT_MODEL_NAME)?.variant);

test('the shipped model defaults to int8 for a new index', async () => {
  assert.equal(readManifest(defaultModelDir()).default, 'int8');
  const dataDir = join(work, 'new');
  const service = await openTrove({ dataDir });
  try {
    assert.equal((await service.modelInfo()).id, `${FP32_ID}@int8`);
    assert.equal(await variantShown(service), 'int8');
  } finally {
    await service.close();
  }
});

test('an index built with fp32, no variant ever chosen, keeps fp32 when reopened: nothing is embedded again', async () => {
  writeDocs(join(work, 'docs'), scifactDocs(6));
  const dataDir = join(work, 'upgraded');
  // Before the upgrade: fp32 was the default; the index is built with it, and no variant is saved.
  const before = await openTrove({ dataDir, variant: 'exact' });
  try {
    await before.addFolder(join(work, 'docs'));
    await before.whenIdle();
  } finally {
    await before.close();
  }
  const built = vectorsByModel(dataDir);
  assert.deepEqual(Object.keys(built), [FP32_ID]);
  assert.ok(built[FP32_ID] >= 6);
  assert.equal(new ModelLibrary({ dataDir }).currentVariant(), 'fp32');

  const after = await openTrove({ dataDir });
  try {
    await after.whenIdle();
    assert.equal((await after.modelInfo()).id, FP32_ID, 'the engine runs the weights the index holds');
    assert.equal(await variantShown(after), 'fp32', 'Settings shows "exact"');
    const answer = await after.search({ text: 'cells', k: 3 });
    assert.ok(answer.hits.length > 0, 'search answers from the fp32 vectors');
  } finally {
    await after.close();
  }
  assert.deepEqual(vectorsByModel(dataDir), built, 'no int8 vectors were made: the index was not embedded again');

  // A variant chosen explicitly still wins: int8 then embeds the index anew, by the person's choice.
  const library = new ModelLibrary({ dataDir });
  library.use(`${DEFAULT_MODEL_NAME}@int8`);
  assert.equal(library.currentVariant(), 'int8');
});
