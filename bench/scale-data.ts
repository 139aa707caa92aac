/**
 * The vectors bench:scale ranks: real embeddings of real passages, embedded once and cached outside git
 * (default ../.cache/trove-bench-scale, beside the worktree), grown to any size by mixing real vectors.
 *
 * Real: the first 1,500 SciFact abstracts cut by Trove's own chunker at the model's 256 word pieces, plus every
 * distinct STS-B sentence (train, dev, test); the queries are SciFact's 1,109 claims. Grown: row i of
 * the big corpus is real vector i when i < real count; past that it is normalise(a + 0.6·b + noise),
 * a and b two real passages picked by a seeded generator and noise a Gaussian of norm ≈ 0.25. So every
 * synthetic row is distinct (no exact ties to game recall), sits between real passages rather than in
 * random space, and scores against real queries like real passages do.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { chunkDocument } from '../src/core/chunk/chunker';
import { EmbeddingEngine } from '../src/core/embed/engine';
import { loadTokenCounter } from '../src/core/embed/tokenizer';
import { docFileText, readBeir } from '../src/core/eval/beir';

export interface RealVectors {
  dimension: number;
  passages: Float32Array;
  queries: Float32Array;
}

const root = join(import.meta.dirname, '..');

export function defaultCacheDir(): string {
  return join(root, '..', '.cache', 'trove-bench-scale');
}

/** Embed the real passages and claims once; later runs read the cache (two flat float32 files). */
export async function realVectors(cacheDir = defaultCacheDir(), evalDir = join(root, '..', 'shared', 'eval')): Promise<RealVectors> {
  const meta = join(cacheDir, 'meta.json');
  if (existsSync(meta)) {
    const { dimension } = JSON.parse(readFileSync(meta, 'utf8')) as { dimension: number };
    const read = (f: string) => {
      const b = readFileSync(join(cacheDir, f));
      return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
    };
    return { dimension, passages: read('passages.f32'), queries: read('queries.f32') };
  }
  const counter = await loadTokenCounter();
  const engine = EmbeddingEngine.create();
  const data = readBeir(join(evalDir, 'scifact'));
  const passages: string[] = [];
  // The first 1,500 abstracts: embedding all 5,183 at 256 word pieces takes over an hour on a shared
  // two-core machine, and the index cares about the vectors' spread, not about every abstract.
  for (const d of data.docs.slice(0, 1500)) {
    for (const c of chunkDocument({ text: docFileText(d), sections: [] }, counter, { maxTokens: engine.maxSeqLength })) passages.push(c.text);
  }
  const sentences = new Set<string>();
  for (const f of ['sts-train.csv', 'sts-dev.csv', 'sts-test.csv']) {
    for (const line of readFileSync(join(evalDir, 'stsb', f), 'utf8').split('\n')) {
      const cols = line.split('\t');
      if (cols.length >= 7) for (const s of [cols[5], cols[6]]) if (s.trim()) sentences.add(s.trim());
    }
  }
  passages.push(...sentences);
  const queries = [...data.queries.values()];
  const flat = async (texts: string[]) => {
    const out = new Float32Array(texts.length * engine.dimension);
    for (let i = 0; i < texts.length; i += 512) {
      (await engine.encode(texts.slice(i, i + 512))).forEach((v, j) => out.set(v, (i + j) * engine.dimension));
      process.stderr.write(`\rembedding real texts: ${Math.min(i + 512, texts.length)}/${texts.length}`);
    }
    process.stderr.write('\n');
    return out;
  };
  const result = { dimension: engine.dimension, passages: await flat(passages), queries: await flat(queries) };
  await engine.close();
  mkdirSync(cacheDir, { recursive: true });
  writeFileSync(join(cacheDir, 'passages.f32'), result.passages);
  writeFileSync(join(cacheDir, 'queries.f32'), result.queries);
  writeFileSync(meta, JSON.stringify({ dimension: result.dimension, passages: passages.length, queries: queries.length }));
  return result;
}

/** mulberry32: a small seeded generator, so every run builds the same corpus. */
function seeded(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = seed;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Row `i` of the grown corpus into `out` at `offset` (see the file comment). */
export function grownRow(real: RealVectors, i: number, out: Float32Array, offset: number): void {
  const d = real.dimension;
  const n = real.passages.length / d;
  if (i < n) {
    out.set(real.passages.subarray(i * d, (i + 1) * d), offset);
    return;
  }
  const rand = seeded(i);
  const a = Math.floor(rand() * n) * d;
  const b = Math.floor(rand() * n) * d;
  const sigma = 0.25 / Math.sqrt(d);
  let norm = 0;
  for (let x = 0; x < d; x++) {
    // Box–Muller for the Gaussian noise.
    const g = Math.sqrt(-2 * Math.log(rand() || 1e-12)) * Math.cos(2 * Math.PI * rand());
    const v = real.passages[a + x] + 0.6 * real.passages[b + x] + sigma * g;
    out[offset + x] = v;
    norm += v * v;
  }
  norm = Math.sqrt(norm);
  for (let x = 0; x < d; x++) out[offset + x] /= norm;
}
