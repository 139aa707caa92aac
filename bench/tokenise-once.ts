/**
 * npx tsx bench/tokenise-once.ts [--files 150] [--rounds 3] — what tokenising each passage once saves
 * in the indexing path. Files of four SciFact abstracts each are cut by the real chunker (its counting
 * gives most passages their token ids, TokenCounter.countedIds); one embedding process (the default
 * weights) then embeds the passages as the indexer sends them, with the chunker's ids and without
 * (the process tokenises every passage again, as before issue 11), in interleaved rounds. Printed per
 * round: passages/s, and the milliseconds the embedding process spent tokenising.
 */
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { parseFlags } from '../src/cli/command';
import { chunkDocument, type Chunk } from '../src/core/chunk/chunker';
import { EmbedderProcess } from '../src/core/embed/embedder-process';
import { loadTokenCounter } from '../src/core/embed/tokenizer';
import { PlainTextExtractor } from '../src/core/extract/plain-text';

const { flags } = parseFlags(process.argv.slice(2));
const files = Number(flags.get('files') ?? 150);
const rounds = Number(flags.get('rounds') ?? 3);
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');
const abstracts = readFileSync(resolve(import.meta.dirname, '..', '..', 'shared', 'eval', 'scifact', 'corpus.jsonl'), 'utf8')
  .split('\n')
  .filter(Boolean)
  .slice(0, files * 4)
  .map((l) => JSON.parse(l) as { title: string; text: string });

const counter = await loadTokenCounter();
const extractor = new PlainTextExtractor(['txt']);
const chunks: Chunk[] = [];
const t0 = performance.now();
for (let i = 0; i < abstracts.length; i += 4) {
  const text = abstracts
    .slice(i, i + 4)
    .map((d) => `${d.title}\n\n${d.text}`)
    .join('\n\n');
  chunks.push(...chunkDocument(await extractor.extract(Buffer.from(text), 'txt'), counter, { maxTokens: 256 }));
}
const chunkMs = performance.now() - t0;
const texts = chunks.map((c) => c.text);
const ids = chunks.map((c) => c.tokenIds);
const carried = ids.filter(Boolean).length;
console.log(`${files} files, ${chunks.length} passages (${carried} carry their ids from the chunker), chunked in ${chunkMs.toFixed(0)} ms; load ${load()}`);

const proc = await EmbedderProcess.start();
try {
  await proc.encode(texts.slice(0, 64), { role: 'passage' }); // warm-up: model load and its check
  const run = async (withIds: boolean) => {
    const before = await proc.stats();
    const s0 = performance.now();
    await proc.encode(texts, { role: 'passage', tokenIds: withIds ? ids : undefined });
    const seconds = (performance.now() - s0) / 1000;
    const after = await proc.stats();
    return { rate: texts.length / seconds, tokenizeMs: after.tokenizeMs - before.tokenizeMs, tokenized: after.tokenized - before.tokenized };
  };
  const rows: Array<{ round: number; mode: string; rate: number; tokenizeMs: number; tokenized: number }> = [];
  for (let r = 1; r <= rounds; r++) {
    for (const withIds of r % 2 ? [false, true] : [true, false]) {
      const m = await run(withIds);
      rows.push({ round: r, mode: withIds ? 'ids from the chunker' : 'tokenised again', ...m });
      console.log(`round ${r} ${withIds ? 'ids from the chunker' : 'tokenised again    '}: ${m.rate.toFixed(1)} passages/s, embedding process tokenised ${m.tokenized} passages in ${m.tokenizeMs.toFixed(0)} ms; load ${load()}`);
    }
  }
  const sum = (mode: string, k: 'tokenizeMs') => rows.filter((r) => r.mode === mode).reduce((a, r) => a + r[k], 0) / rounds;
  console.log(`mean tokenising time in the embedding process per ${texts.length} passages: ${sum('tokenised again', 'tokenizeMs').toFixed(0)} ms before, ${sum('ids from the chunker', 'tokenizeMs').toFixed(0)} ms now`);
} finally {
  await proc.close();
}
