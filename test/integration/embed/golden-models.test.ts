/**
 * Every model made here against its golden fixture made by sentence-transformers itself
 * (tools/model/golden.py → test/fixtures/golden/<name>/embeddings.json): passages with the passage
 * prompt, queries with the query prompt, English and Chinese. A model shipped under resources/models
 * (or kept there for tests, in test-fixtures/) must be there; one kept in a cache outside git (too big to commit) is looked for in
 * TROVE_MODEL_CACHE (default ~/.cache/trove-models, where tools/model builds it) and skipped, saying
 * so, when absent.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { isCrossEncoderFolder } from '../../../src/core/embed/cross-encoder-model';
import { EmbeddingEngine } from '../../../src/core/embed/engine';
import { shippedModelsDir } from '../../../src/core/embed/model-files';
import { cosSim, dot } from '../../../src/core/embed/similarity';

interface Golden {
  model: string;
  similarity?: 'cosine' | 'dot';
  texts: string[];
  vectors: number[][];
  queries?: { texts: string[]; vectors: number[][] };
}

const goldenDir = new URL('../../fixtures/golden/', import.meta.url);
const names = readdirSync(goldenDir, { withFileTypes: true })
  .filter((e) => e.isDirectory() && existsSync(new URL(`${e.name}/embeddings.json`, goldenDir)))
  .map((e) => e.name);

function modelDir(name: string): string | null {
  for (const shipped of [join(shippedModelsDir(), name), join(shippedModelsDir(), 'test-fixtures', name)]) if (existsSync(shipped)) return shipped;
  const cache = process.env.TROVE_MODEL_CACHE ?? join(homedir(), '.cache', 'trove-models');
  return existsSync(join(cache, name)) ? join(cache, name) : null;
}

for (const name of names) {
  const dir = modelDir(name);
  test(`${name}: every golden passage and query vector within cosine 0.999 of sentence-transformers`, { skip: dir ? false : `${name} is built outside git by tools/model (420 MB); not found in resources/models nor in TROVE_MODEL_CACHE or ~/.cache/trove-models` }, async () => {
    const golden = JSON.parse(readFileSync(new URL(`${name}/embeddings.json`, goldenDir), 'utf8')) as Golden;
    // The model's own vectors, as sentence-transformers makes them: without Trove's language balance.
    const engine = EmbeddingEngine.create({ modelDir: dir!, languageBalance: false });
    try {
      assert.equal(engine.similarity, golden.similarity ?? 'cosine');
      const sets: Array<[string, string[], number[][], 'passage' | 'query']> = [['passage', golden.texts, golden.vectors, 'passage']];
      if (golden.queries) sets.push(['query', golden.queries.texts, golden.queries.vectors, 'query']);
      for (const [what, texts, vectors, role] of sets) {
        const got = await engine.encode(texts, { role });
        let worst = 1;
        let worstText = '';
        got.forEach((v, i) => {
          const want = Float32Array.from(vectors[i]);
          const c = cosSim(v, want);
          if (c < worst) [worst, worstText] = [c, texts[i]];
          // A dot-product model's vectors keep their length, as sentence-transformers gives them.
          if (engine.similarity === 'dot') assert.ok(Math.abs(Math.sqrt(dot(v, v)) / Math.sqrt(dot(want, want)) - 1) < 0.01, `${what} ${i}: length`);
        });
        assert.ok(worst >= 0.999, `${what}: worst cosine ${worst} for ${JSON.stringify(worstText.slice(0, 80))}`);
      }
    } finally {
      await engine.close();
    }
  });
}

test('there is a golden fixture for every model shipped besides all-MiniLM-L6-v2', () => {
  const folders = (dir: string) => readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  // test-fixtures/ is not a model: it holds the models kept for tests, each of which needs its fixture too.
  const shipped = [...folders(shippedModelsDir()).filter((n) => n !== 'all-MiniLM-L6-v2' && n !== 'test-fixtures'), ...folders(join(shippedModelsDir(), 'test-fixtures'))];
  for (const name of shipped) {
    // A re-ranker's fixture is its scores (test/integration/embed/cross-encoder.test.ts checks them).
    const dir = [join(shippedModelsDir(), name), join(shippedModelsDir(), 'test-fixtures', name)].find((d) => existsSync(d))!;
    if (isCrossEncoderFolder(dir)) assert.ok(existsSync(join(import.meta.dirname, '../../fixtures/golden', name, 'scores.json')), `no test/fixtures/golden/${name}/scores.json`);
    else assert.ok(names.includes(name), `no test/fixtures/golden/${name}/embeddings.json`);
  }
});
