/**
 * Do two CPUs' kernels give the same vectors? Trove's engine encodes the quickstart pair and the 208
 * golden texts natively, then again under `qemu-x86_64 -cpu <model>` (Debian's qemu-user), which hides
 * instruction sets from onnxruntime so that it takes other kernels: on an AVX-512 VNNI machine
 * `-cpu Haswell` gives the AVX2 path (whose u8 × s8 pair sums saturate at int16); on an AVX2-only
 * machine `-cpu Nehalem` gives the SSE path (32-bit sums, like VNNI). Prints each variant's quickstart
 * similarity on both paths and the worst cosine between the two paths' vectors.
 *
 *   npm run bench:kernels [-- --variants int8,fp32] [--cpu Haswell|Nehalem] [--texts 208]
 *
 * Under qemu's emulation the model runs ~50× slower: with the full golden set expect minutes.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error a plain ES module script without types
import { cpuFeatures } from '../scripts/cpu-features.mjs';
import { parseFlags } from '../src/cli/command';
import { DEFAULT_BATCH_SIZE, EmbeddingEngine } from '../src/core/embed/engine';
import { cosSim } from '../src/core/embed/similarity';

const GOLDEN = join(import.meta.dirname, '..', 'test', 'fixtures', 'golden', 'embeddings.json');
const PAIR = ['The weather is lovely today.', "It's so sunny outside!"];

interface Encoded {
  quickstart: number;
  vectors: number[][];
}

/** In the child: encode with one thread, as the check and the golden fixtures are batched. */
async function encode(variant: string, count: number, out: string): Promise<void> {
  const engine = EmbeddingEngine.create({ variant, threads: 1 });
  try {
    const [a, b] = await engine.encode(PAIR);
    const texts = (JSON.parse(readFileSync(GOLDEN, 'utf8')) as { texts: string[] }).texts.slice(0, count);
    const { ids, skip } = await engine.tokenize(texts);
    const vectors = await engine.encodeIds(ids, DEFAULT_BATCH_SIZE, skip, Infinity);
    const result: Encoded = { quickstart: a.reduce((s, x, i) => s + x * b[i], 0), vectors: vectors.map((v) => Array.from(v)) };
    writeFileSync(out, JSON.stringify(result));
  } finally {
    await engine.close();
  }
}

function run(prefix: string[], variant: string, count: number, out: string): Encoded | string {
  const args = [...prefix, process.execPath, '--import', 'tsx', import.meta.filename, 'encode', variant, String(count), out];
  const r = spawnSync(args[0], args.slice(1), { encoding: 'utf8', stdio: ['ignore', 'inherit', 'pipe'] });
  if (r.error) return `could not run ${args[0]}: ${r.error.message}`;
  if (r.status !== 0) return `${args[0]} exited ${r.status}: ${r.stderr.trim().split('\n').pop()}`;
  return JSON.parse(readFileSync(out, 'utf8')) as Encoded;
}

function worstCosine(a: number[][], b: number[][]): number {
  return Math.min(...a.map((v, i) => cosSim(Float32Array.from(v), Float32Array.from(b[i]))));
}

async function main(): Promise<void> {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode === 'encode') return encode(rest[0], Number(rest[1]), rest[2]);
  const { flags } = parseFlags(process.argv.slice(2));
  const features: string = cpuFeatures();
  const cpu = flags.get('cpu') ?? (/avx512_vnni|avx_vnni/.test(features) ? 'Haswell' : 'Nehalem');
  const variants = (flags.get('variants') ?? 'int8,fp32').split(',');
  const count = Number(flags.get('texts') ?? 208);
  const work = mkdtempSync(join(tmpdir(), 'trove-kernels-'));
  console.log(`CPU ${features}; other path: qemu-x86_64 -cpu ${cpu}; ${count} golden texts, one thread`);
  try {
    for (const variant of variants) {
      const native = run([], variant, count, join(work, `${variant}-native.json`));
      const emulated = run(['qemu-x86_64', '-cpu', cpu], variant, count, join(work, `${variant}-qemu.json`));
      if (typeof native === 'string') throw new Error(native);
      if (typeof emulated === 'string') {
        console.log(`${variant}: native quickstart ${native.quickstart.toFixed(6)}; qemu: ${emulated}`);
        continue;
      }
      console.log(
        `${variant}: quickstart native ${native.quickstart.toFixed(6)}, qemu -cpu ${cpu} ${emulated.quickstart.toFixed(6)}; ` +
          `worst cosine between the two paths over ${count} texts ${worstCosine(native.vectors, emulated.vectors).toFixed(6)}`,
      );
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
