/**
 * Choosing another model through the API (as the Settings panel does) for an index of real abstracts:
 * the stored passages are re-embedded in the background with progress while the running engine keeps
 * answering searches; afterwards the index holds the new model's vectors and the choice is saved.
 */
import assert from 'node:assert/strict';
import { cpSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import Database from 'better-sqlite3';
import { defaultModelDir } from '../../../src/core/embed/model-files';
import { openTrove } from '../../../src/core/open-trove';
import type { ModelsOverview } from '../../../src/shared/models';
import { scifactDocs, tempDir, writeDocs } from '../indexing/helpers';

const work = tempDir('switch-api');
after(() => rmSync(work, { recursive: true, force: true }));

test('useModel moves the index in the background; searches keep answering meanwhile', async () => {
  const docs = scifactDocs(30, 400);
  writeDocs(join(work, 'docs'), docs);
  const service = await openTrove({ dataDir: join(work, 'data') });
  try {
    await service.addFolder(join(work, 'docs'));
    await service.whenIdle();
    const other = join(work, 'other-model');
    cpSync(defaultModelDir(), other, { recursive: true });
    rmSync(join(other, 'manifest.json'));
    await service.addModelFolder(other);

    let seen: ModelsOverview = await service.useModel('other-model');
    const progress: number[] = [];
    while (seen.switching?.state === 'embedding') {
      progress.push(seen.switching.done);
      // The running engine still answers with the current model.
      const hits = await service.search({ text: docs[3].title, k: 3 });
      assert.equal(hits.hits[0]?.name, `${docs[3].id}.txt`);
      await new Promise((r) => setTimeout(r, 200));
      seen = await service.listModels();
    }
    assert.equal(seen.switching?.state, 'done', seen.switching?.error);
    assert.ok(seen.switching!.total > 0 && seen.switching!.done === seen.switching!.total);
    assert.equal(seen.current, 'other-model');
    const db = new Database(join(work, 'data', 'index.sqlite'), { readonly: true });
    const models = db.prepare("SELECT es.model_id AS m, COUNT(*) AS n FROM files f JOIN embedding_sets es ON es.id = f.embedding_set_id WHERE f.state = 'indexed' GROUP BY es.id").all();
    db.close();
    assert.deepEqual(models, [{ m: 'other-model', n: 30 }]);
  } finally {
    await service.close();
  }
});
