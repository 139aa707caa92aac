/** The first-run suggestion: English files keep the fast model; Chinese files get a multilingual one, installed first. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { ModelLibrary } from '../../../src/core/models/model-library';
import { formatBytes } from '../../../src/renderer/lib/format';
import { suggestModel } from '../../../src/renderer/lib/suggest-model';

test('suggestions from the real catalogue, with and without a multilingual model installed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'trove-suggest-'));
  try {
    // An empty shipped folder: nothing multilingual installed.
    const bare = new ModelLibrary({ dataDir: dir, shippedDir: join(dir, 'none') }).overview();
    assert.equal(suggestModel('en', bare)?.name, 'all-MiniLM-L6-v2');
    assert.equal(suggestModel('zh', bare)?.name, 'multilingual-e5-small', 'nothing installed: the downloadable e5');
    assert.equal(suggestModel('other', bare)?.name, 'multilingual-e5-small');
    const withQ4 = { ...bare, models: bare.models.map((m) => (m.name === 'paraphrase-multilingual-MiniLM-L12-v2' ? { ...m, installed: true } : m)) };
    assert.equal(suggestModel('zh', withQ4)?.name, 'paraphrase-multilingual-MiniLM-L12-v2', 'an installed multilingual model beats a download');
    // A re-ranker reads many languages too, installed even, but cannot index: never the suggestion.
    const reranker = { ...bare.models.find((m) => m.name === 'bge-reranker-base')!, name: 'mmarco-reranker', languages: ['multilingual'], installed: true };
    assert.equal(reranker.kind, 'reranker');
    assert.equal(suggestModel('zh', { ...bare, models: [reranker, ...bare.models] })?.name, 'multilingual-e5-small');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('byte sizes read like download sizes', () => {
  assert.equal(formatBytes(91_000_000), '91.0 MB');
  assert.equal(formatBytes(471_000_000), '471 MB');
  assert.equal(formatBytes(1_234_000_000), '1.2 GB');
  assert.equal(formatBytes(2048), '2 KB');
});
