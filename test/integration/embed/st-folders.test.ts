/**
 * The engine reads any sentence-transformers folder: the real shipped model re-laid out with other
 * pooling modes, without Normalize, with prompts, without a manifest — each compared with what the
 * transformer's own token vectors give when pooled by hand here — and every bad folder refused with a
 * message naming the file at fault.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import * as ort from 'onnxruntime-node';
import { EmbeddingEngine } from '../../../src/core/embed/engine';
import { defaultModelDir } from '../../../src/core/embed/model-files';
import { dot } from '../../../src/core/embed/similarity';
import { loadTokenizer } from '../../../src/core/embed/tokenizer';

const shipped = defaultModelDir();
const work = mkdtempSync(join(tmpdir(), 'trove-st-'));
const golden = JSON.parse(readFileSync(new URL('../../fixtures/golden/embeddings.json', import.meta.url), 'utf8')) as { texts: string[]; vectors: number[][] };
const texts = ['A man is playing a guitar.', 'The weather is lovely today.', 'Kernel panic: not syncing: VFS: unable to mount root fs'];

let session: ort.InferenceSession;
/** The transformer's token vectors for one text, straight from onnxruntime. */
async function tokenVectors(text: string): Promise<Float32Array[]> {
  const ids = (await loadTokenizer(shipped)).ids(text);
  const t = (a: bigint[]) => new ort.Tensor('int64', BigInt64Array.from(a), [1, ids.length]);
  const out = await session.run({ input_ids: t(ids.map(BigInt)), attention_mask: t(ids.map(() => 1n)), token_type_ids: t(ids.map(() => 0n)) });
  const h = out.last_hidden_state.data as Float32Array;
  return ids.map((_, i) => h.slice(i * 384, (i + 1) * 384));
}
const unit = (v: Float32Array) => {
  const n = Math.sqrt(dot(v, v));
  return v.map((x) => x / n);
};

/** A copy of the shipped model without its manifest, with some files replaced. */
function variant(name: string, edit: (dir: string) => void): string {
  const dir = join(work, name);
  cpSync(shipped, dir, { recursive: true });
  rmSync(join(dir, 'manifest.json'));
  edit(dir);
  return dir;
}
const pooling = (mode: string, extra: Record<string, unknown> = {}) => (dir: string) =>
  writeFileSync(
    join(dir, '1_Pooling', 'config.json'),
    JSON.stringify({ word_embedding_dimension: 384, pooling_mode_cls_token: mode === 'cls', pooling_mode_mean_tokens: mode === 'mean', pooling_mode_max_tokens: mode === 'max', pooling_mode_lasttoken: mode === 'lasttoken', ...extra }),
  );
const modules = (...types: string[]) => (dir: string) =>
  writeFileSync(join(dir, 'modules.json'), JSON.stringify(types.map((t, i) => ({ idx: i, name: String(i), path: t === 'Pooling' ? '1_Pooling' : t === 'Normalize' ? '2_Normalize' : t === 'Dense' ? '2_Dense' : '', type: `sentence_transformers.models.${t}` }))));

before(async () => {
  session = await ort.InferenceSession.create(join(shipped, 'onnx', 'model.onnx'), { intraOpNumThreads: 1 });
});
after(async () => {
  await session.release();
  rmSync(work, { recursive: true, force: true });
});

test('a folder without manifest.json embeds exactly like the shipped model (golden vectors)', async () => {
  const engine = EmbeddingEngine.create({ modelDir: variant('bare', () => {}) });
  const got = await engine.encode(golden.texts.slice(0, 40));
  got.forEach((v, i) => assert.ok(dot(v, Float32Array.from(golden.vectors[i])) > 0.999, `text ${i}`));
  assert.equal(engine.modelId, 'bare');
  assert.equal(engine.similarity, 'cosine');
  await engine.close();
});

for (const mode of ['cls', 'max', 'lasttoken'] as const) {
  test(`${mode} pooling gives the ${mode === 'cls' ? 'first' : mode === 'max' ? 'element-wise largest' : 'last'} token vector, normalised`, async () => {
    const engine = EmbeddingEngine.create({ modelDir: variant(mode, pooling(mode)) });
    const got = await engine.encode(texts);
    for (let i = 0; i < texts.length; i++) {
      const tokens = await tokenVectors(texts[i]);
      const want = mode === 'cls' ? tokens[0] : mode === 'lasttoken' ? tokens.at(-1)! : tokens.reduce((m, v) => m.map((x, d) => Math.max(x, v[d])));
      assert.ok(dot(got[i], unit(want)) > 0.9999, `${texts[i]}: cosine ${dot(got[i], unit(want))}`);
      const mean = unit(tokens.reduce((s, t) => s.map((x, d) => x + t[d]), new Float32Array(384)));
      assert.ok(dot(got[i], mean) < 0.999, 'not the mean-pooled vector');
    }
    await engine.close();
  });
}

test('without a Normalize module and with similarity_fn_name "dot", vectors keep their length and scores are dot products', async () => {
  const dir = variant('dot', (d) => {
    modules('Transformer', 'Pooling')(d);
    writeFileSync(join(d, 'config_sentence_transformers.json'), JSON.stringify({ similarity_fn_name: 'dot', prompts: {}, default_prompt_name: null }));
  });
  const engine = EmbeddingEngine.create({ modelDir: dir });
  assert.equal(engine.similarity, 'dot');
  const [v] = await engine.encode([texts[0]]);
  const tokens = await tokenVectors(texts[0]);
  const mean = tokens.reduce((s, t) => s.map((x, d) => x + t[d] / tokens.length), new Float32Array(384));
  assert.ok(Math.abs(Math.sqrt(dot(v, v)) - Math.sqrt(dot(mean, mean))) < 1e-3, 'raw mean, not unit length');
  assert.ok(Math.sqrt(dot(v, v)) > 1.5);
  await engine.close();
});

test('queries and passages get their own prompts; include_prompt false leaves the prompt out of the pooling', async () => {
  const prompts = { prompts: { query: 'query: ', passage: 'passage: ' }, default_prompt_name: null, similarity_fn_name: 'cosine' };
  const withPrompts = EmbeddingEngine.create({ modelDir: variant('prompts', (d) => writeFileSync(join(d, 'config_sentence_transformers.json'), JSON.stringify(prompts))) });
  // The copies have no manifest, so they load the fp32 graph: the shipped folder is compared on the same weights.
  const plain = EmbeddingEngine.create({ modelDir: shipped, variant: 'fp32' });
  const [q] = await withPrompts.encode([texts[0]], { role: 'query' });
  const [p] = await withPrompts.encode([texts[0]], { role: 'passage' });
  const [none] = await withPrompts.encode([texts[0]]);
  const [qByHand, pByHand] = await plain.encode([`query: ${texts[0]}`, `passage: ${texts[0]}`]);
  assert.ok(dot(q, qByHand) > 0.99999 && dot(p, pByHand) > 0.99999);
  assert.ok(dot(q, p) < 0.999, 'the two prompts change the vector');
  assert.ok(dot(none, Float32Array.from((await plain.encode([texts[0]]))[0])) > 0.99999, 'no role and no default prompt: no prompt');

  const excluded = EmbeddingEngine.create({
    modelDir: variant('exclude-prompt', (d) => {
      writeFileSync(join(d, 'config_sentence_transformers.json'), JSON.stringify(prompts));
      pooling('mean', { include_prompt: false })(d);
    }),
  });
  const [qx] = await excluded.encode([texts[0]], { role: 'query' });
  // As sentence-transformers: the prompt's tokens (with [CLS]) are masked out of the mean.
  const tokens = await tokenVectors(`query: ${texts[0]}`);
  const promptLength = (await loadTokenizer(shipped)).ids('query: ').length - 1;
  const kept = tokens.slice(promptLength);
  const want = unit(kept.reduce((s, t) => s.map((x, d) => x + t[d]), new Float32Array(384)));
  assert.ok(dot(qx, want) > 0.9999, `cosine ${dot(qx, want)}`);
  assert.ok(dot(qx, q) < 0.9999);
  for (const e of [withPrompts, plain, excluded]) await e.close();
});

test('bad folders are refused with a message naming the file; nothing is embedded', async () => {
  const cases: Array<[string, (d: string) => void, RegExp]> = [
    ['not-st', (d) => rmSync(join(d, 'modules.json')), /not a sentence-transformers model: .*not-st\/modules\.json is missing/],
    ['no-tokenizer', (d) => rmSync(join(d, 'tokenizer.json')), /missing tokenizer: .*no-tokenizer\/tokenizer\.json/],
    ['sqrt-pooling', pooling('none', { pooling_mode_mean_sqrt_len_tokens: true }), /unknown pooling in .*sqrt-pooling\/1_Pooling\/config\.json: pooling_mode_mean_sqrt_len_tokens/],
    ['two-poolings', pooling('cls', { pooling_mode_mean_tokens: true }), /unknown pooling in .*two-poolings\/1_Pooling\/config\.json/],
    ['dense', modules('Transformer', 'Pooling', 'Dense', 'Normalize'), /unsupported module "sentence_transformers\.models\.Dense" in .*dense\/modules\.json/],
    ['bad-json', (d) => writeFileSync(join(d, 'sentence_bert_config.json'), '{"max_seq_length": 2'), /sentence_bert_config\.json: .*bad-json\/sentence_bert_config\.json is not valid JSON/],
    ['similarity', (d) => writeFileSync(join(d, 'config_sentence_transformers.json'), '{"similarity_fn_name": "manhattan"}'), /unsupported similarity_fn_name "manhattan" in .*similarity\/config_sentence_transformers\.json/],
    ['no-onnx', (d) => rmSync(join(d, 'onnx'), { recursive: true }), /no ONNX graph in .*no-onnx \(looked for onnx\/model\.onnx/],
  ];
  for (const [name, edit, message] of cases) assert.throws(() => EmbeddingEngine.create({ modelDir: variant(name, edit) }), message, name);

  const broken = EmbeddingEngine.create({ modelDir: variant('broken-graph', (d) => writeFileSync(join(d, 'onnx', 'model.onnx'), 'not a graph')) });
  await assert.rejects(broken.encode(['hello']), /the model graph fails to load: .*broken-graph\/onnx\/model\.onnx/);
  const wide = EmbeddingEngine.create({ modelDir: variant('wrong-dimension', pooling('mean', { word_embedding_dimension: 768 })) });
  await assert.rejects(wide.encode(['hello']), /dimension mismatch: .*wrong-dimension\/onnx\/model\.onnx gives "last_hidden_state" of shape \[\d+, \d+, 384\], the pooling config says 768/);
});

test('issue 12 #6: a corrupted graph with a re-hashed manifest is refused on load by its fixed pairs', async () => {
  const dir = join(work, 'corrupted');
  cpSync(shipped, dir, { recursive: true });
  const graph = join(dir, 'onnx', 'model.onnx');
  const bytes = readFileSync(graph);
  // Zero a stretch of weights in the middle of the word-embedding matrix: the file stays a valid graph.
  bytes.fill(0, 2_000_000, 40_000_000);
  writeFileSync(graph, bytes);
  const manifest = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8')) as { files: Record<string, { sha256: string; bytes: number }> };
  manifest.files['onnx/model.onnx'] = { sha256: createHash('sha256').update(bytes).digest('hex'), bytes: bytes.length };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest));

  // The fp32 graph is the one corrupted (the manifest's default is int8).
  const engine = EmbeddingEngine.create({ modelDir: dir, variant: 'fp32' });
  await assert.rejects(engine.encode(['hello']), /model refused: .*corrupted\/onnx\/model\.onnx (gives similarity|scores unrelated sentences like paraphrases)/);
  await engine.close();
});
