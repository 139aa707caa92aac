/** Shared setup for indexing tests: real SciFact abstracts as files, temp folders, waiting for conditions. */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { docFileText, type BeirDoc } from '../../../src/core/eval/beir';

export const SCIFACT = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'eval', 'scifact');

let cached: BeirDoc[] | null = null;
export function scifactDocs(count: number, offset = 0): BeirDoc[] {
  cached ??= readFileSync(join(SCIFACT, 'corpus.jsonl'), 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => {
      const d = JSON.parse(l) as { _id: string; title: string; text: string };
      return { id: d._id, title: d.title, text: d.text };
    });
  return cached.slice(offset, offset + count);
}

/** Write documents as `<id>.txt` files into `dir`; returns their paths by id. */
export function writeDocs(dir: string, docs: BeirDoc[]): Map<string, string> {
  mkdirSync(dir, { recursive: true });
  const paths = new Map<string, string>();
  for (const d of docs) {
    const p = join(dir, `${d.id}.txt`);
    writeFileSync(p, docFileText(d));
    paths.set(d.id, p);
  }
  return paths;
}

export function tempDir(name: string): string {
  return mkdtempSync(join(tmpdir(), `trove-${name}-`));
}

export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
