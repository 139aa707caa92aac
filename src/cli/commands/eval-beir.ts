/**
 * `eval beir <scifact folder> [--keep <dir>]`: write every document as a file, index the folder with
 * the real pipeline, run the test queries through search, print nDCG@10 (×100) as one JSON line.
 */
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { EmbedderProcess } from '../../core/embed/embedder-process';
import { loadTokenCounter } from '../../core/embed/tokenizer';
import { docFileText, ndcgAtK, readBeir } from '../../core/eval/beir';
import { createTroveService } from '../../core/trove-service';
import { parseFlags } from '../command';
import { chosenModelDir } from '../model-choice';

export async function evalBeir(args: string[]): Promise<number> {
  const { positional, flags } = parseFlags(args);
  const dir = positional[0];
  if (!dir) {
    process.stderr.write('usage: npm run trove -- eval beir <scifact folder>\n');
    return 2;
  }
  const data = readBeir(dir);
  const work = flags.get('keep') ?? mkdtempSync(join(tmpdir(), 'trove-beir-'));
  const docsDir = join(work, 'docs');
  mkdirSync(docsDir, { recursive: true });
  for (const doc of data.docs) writeFileSync(join(docsDir, `${doc.id}.txt`), docFileText(doc));

  const modelDir = chosenModelDir(flags);
  const [embedder, tokenCounter] = await Promise.all([EmbedderProcess.start({ modelDir }), loadTokenCounter(modelDir)]);
  const service = await createTroveService({ dataDir: join(work, 'data'), embedder, tokenCounter, watch: false });
  try {
    const t0 = performance.now();
    if (process.stderr.isTTY) {
      service.on('progress', (p) => process.stderr.write(`\r\x1b[Kindexing ${p.filesDone}/${p.filesTotal} files`));
    }
    await service.addFolder(docsDir);
    await service.whenIdle();
    const indexSeconds = (performance.now() - t0) / 1000;
    const status = await service.status();
    let sum = 0;
    let n = 0;
    for (const [qid, relevant] of data.qrels) {
      const text = data.queries.get(qid);
      if (!text) throw new Error(`query ${qid} is judged but missing from queries.jsonl`);
      const { hits } = await service.search({ text, k: 10 });
      sum += ndcgAtK(hits.map((h) => h.name.replace(/\.txt$/, '')), relevant, 10);
      n++;
    }
    if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
    process.stderr.write(`indexed ${status.filesIndexed} files (${status.chunksIndexed} passages) in ${indexSeconds.toFixed(1)} s\n`);
    const result = { ndcg_at_10: Math.round((sum / n) * 10000) / 100, queries: n, files: status.filesIndexed };
    process.stdout.write(JSON.stringify(result) + '\n');
    return 0;
  } finally {
    await service.close();
    await embedder.close();
    if (!flags.has('keep')) rmSync(work, { recursive: true, force: true });
  }
}
