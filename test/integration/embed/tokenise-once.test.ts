/**
 * A passage is tokenised once: the chunker's counting gives each passage's token ids, and the embedding
 * process uses them instead of tokenising the text again — with the very same vectors. Real tokenizer,
 * real embedding process, real SciFact abstracts cut by the real chunker.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { before, test } from 'node:test';
import { chunkDocument, type Chunk } from '../../../src/core/chunk/chunker';
import { EmbedderProcess } from '../../../src/core/embed/embedder-process';
import { EmbeddingEngine } from '../../../src/core/embed/engine';
import { shippedModelsDir } from '../../../src/core/embed/model-files';
import { loadTokenizer, type ModelTokenizer } from '../../../src/core/embed/tokenizer';
import { PlainTextExtractor } from '../../../src/core/extract/plain-text';
import { scifactDocs } from '../indexing/helpers';

let tokenizer: ModelTokenizer;
let fresh: ModelTokenizer;
let chunks: Chunk[];
before(async () => {
  [tokenizer, fresh] = await Promise.all([loadTokenizer(), loadTokenizer()]);
  // Long files of several abstracts: passages joined from paragraphs, cut at sentences, overlapping.
  const docs = scifactDocs(60);
  const extractor = new PlainTextExtractor(['txt']);
  chunks = [];
  for (let i = 0; i < docs.length; i += 6) {
    const text = docs
      .slice(i, i + 6)
      .map((d) => `${d.title}\n\n${d.text}`)
      .join('\n\n');
    chunks.push(...chunkDocument(await extractor.extract(Buffer.from(text), 'txt'), tokenizer, { maxTokens: 256 }));
  }
});

test('every passage carries the ids the engine would give its text, counted once by the chunker', () => {
  assert.ok(chunks.length >= 20, `${chunks.length} passages`);
  for (const c of chunks) {
    // Another tokenizer, with nothing counted: the ids of the text itself.
    if (c.tokenIds) assert.deepEqual(c.tokenIds, fresh.ids(c.text));
  }
  // Passages whose whole text the chunker counted (a paragraph alone, or a join checked near the limit)
  // carry ids; the others are tokenised by the engine, once. Measured here: 40 of 94.
  const carried = chunks.filter((c) => c.tokenIds).length;
  assert.ok(carried >= chunks.length * 0.3, `${carried} of ${chunks.length} passages carry their ids`);
});

test('the embedding process uses the ids: it tokenises nothing, and the vectors are the same bit for bit', async () => {
  const texts = chunks.map((c) => c.text);
  const proc = await EmbedderProcess.start();
  try {
    const plain = await proc.encode(texts, { role: 'passage' });
    const before = (await proc.stats()).tokenized;
    const withIds = await proc.encode(texts, { role: 'passage', tokenIds: chunks.map((c) => c.tokenIds) });
    const missing = chunks.filter((c) => !c.tokenIds).length;
    assert.equal((await proc.stats()).tokenized - before, missing, 'only passages without ids were tokenised');
    assert.equal(withIds.length, plain.length);
    withIds.forEach((v, i) => assert.deepEqual(v, plain[i], `passage ${i}`));
  } finally {
    await proc.close();
  }
});

test('a model with a passage prompt tokenises prompt and text together, whatever ids come along', async () => {
  const e5 = EmbeddingEngine.create({ modelDir: join(shippedModelsDir(), 'multilingual-e5-small-q4') });
  try {
    const texts = ['Cells divide.', 'Proteins fold.'];
    const { ids } = await e5.tokenize(texts, 'passage', [[1, 2], [3, 4]]);
    const own = await e5.tokenize(texts, 'passage');
    assert.deepEqual(ids, own.ids);
    assert.ok(ids[0].length > 4, 'the prompt "passage: " is in the ids');
  } finally {
    await e5.close();
  }
});

