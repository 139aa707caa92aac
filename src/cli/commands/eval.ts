import { startEmbedder } from '../start-embedder';
import { evalSts, evalStsReranker, readSts } from '../../core/eval/sts';
import type { Command } from '../command';
import { chosenModel, chosenReranker } from '../model-choice';

/** `eval sts <file>`, `eval beir <folder>` and `eval cjk <pairs>`: print one JSON line of figures. */
const evalCommand: Command = async (line) => {
  if (line.sub === 'beir') {
    const { evalBeir } = await import('./eval-beir');
    return evalBeir(line);
  }
  if (line.sub === 'cjk') {
    const { evalCjk } = await import('./eval-cjk');
    return evalCjk(line);
  }
  const { positional, flags } = line;
  const file = readSts(positional[0]);
  for (const s of file.skipped.slice(0, 5)) process.stderr.write(`skipped line ${s.line}: ${s.reason}\n`);
  if (file.skipped.length > 5) process.stderr.write(`… and ${file.skipped.length - 5} more skipped lines\n`);
  const embedder = await startEmbedder(chosenModel(flags));
  try {
    const reranker = chosenReranker(flags);
    const result = reranker ? await evalStsReranker(embedder, reranker.dir, file.pairs) : await evalSts(embedder, file.pairs);
    const model = reranker ? reranker.id : embedder.modelId;
    process.stdout.write(JSON.stringify({ model, layout: file.layout, ...result, skipped: file.skipped.length }) + '\n');
    return 0;
  } finally {
    await embedder.close();
  }
};
export default evalCommand;
