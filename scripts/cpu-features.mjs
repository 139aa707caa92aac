#!/usr/bin/env node
/**
 * The CPU features that decide which onnxruntime kernels run (and so the exact floats a quantised model
 * gives): x86 avx2, avx512f, avx512_vnni, avx_vnni; on ARM the CPU model and its dot-product / i8mm
 * features. Printed by .ci/run first and by bench:embed, so every figure can say which kernels made it.
 *
 *   node scripts/cpu-features.mjs      ->  "x86_64: avx2 avx512f avx512_vnni (Intel(R) Xeon(R) ...)"
 */
import { readFileSync } from 'node:fs';
import { arch, cpus } from 'node:os';

const X86 = ['avx2', 'avx512f', 'avx512_vnni', 'avx_vnni', 'amx_int8'];
const ARM = ['asimddp', 'i8mm', 'sve', 'bf16'];

export function cpuFeatures() {
  const model = cpus()[0]?.model?.trim() || 'unknown CPU';
  let info = '';
  try {
    info = readFileSync('/proc/cpuinfo', 'utf8');
  } catch {
    // macOS and Windows have no /proc/cpuinfo: the model name says enough (Apple M*, or the x86 family).
    return `${arch()}: ${model}`;
  }
  const flags = new Set((info.match(/^(flags|Features)\s*:(.*)$/m)?.[2] ?? '').trim().split(/\s+/));
  const wanted = arch() === 'arm64' ? ARM : X86;
  const has = wanted.filter((f) => flags.has(f));
  return `${arch()}: ${has.length ? has.join(' ') : 'none of ' + wanted.join(', ')} (${model})`;
}

if (import.meta.url === `file://${process.argv[1]}`) process.stdout.write(`CPU ${cpuFeatures()}\n`);
