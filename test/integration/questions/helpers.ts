/** Shared by the question-bank integration tests: one in-process engine, a counting wrapper, temp folders. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbeddingEngine } from '../../../src/core/embed/engine';
import type { Embedder } from '../../../src/core/embed/types';

let engine: EmbeddingEngine | null = null;

export function sharedEngine(): EmbeddingEngine {
  // fp32 ("exact"): these tests compare with sentence-transformers' own outputs (golden fixtures).
  engine ??= EmbeddingEngine.create({ variant: 'exact' });
  return engine;
}

export async function closeEngine(): Promise<void> {
  await engine?.close();
  engine = null;
}

/** The real embedder, counting the texts it is asked to embed. */
export function countingEmbedder(inner: Embedder = sharedEngine(), modelId = inner.modelId): Embedder & { texts: string[] } {
  const texts: string[] = [];
  return {
    modelId,
    dimension: inner.dimension,
    maxSeqLength: inner.maxSeqLength,
    similarity: inner.similarity,
    texts,
    async encode(t, o) {
      texts.push(...t);
      return inner.encode(t, o);
    },
    async close() {},
  };
}

export function tempDir(prefix = 'trove-questions-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}
