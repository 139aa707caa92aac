import { EmbedderProcess } from '../../core/embed/embedder-process';
import { evalSts, readSts } from '../../core/eval/sts';
import { parseFlags, type Command } from '../command';
import { chosenModel } from '../model-choice';

const usage =
  'usage: npm run trove -- eval sts <file.tsv|csv> [--model <name|folder>] | eval beir <scifact folder> [--model <name|folder>]\n' +
  '  sts reads STS-B (7 tab-separated fields, score 5th) or sentence1<TAB>sentence2<TAB>score\n' +
  '  example: npm run trove -- eval sts ../shared/eval/stsb-zh/test.tsv --model multilingual-e5-small-q4\n';

/** `eval sts <file>` and `eval beir <folder>`: print one JSON line of figures. */
const evalCommand: Command = async ([kind, ...rest]) => {
  if (kind === 'beir' && rest.length) {
    const { evalBeir } = await import('./eval-beir');
    return evalBeir(rest);
  }
  const { positional, flags } = parseFlags(rest);
  const target = positional[0];
  if (kind !== 'sts' || !target) {
    process.stderr.write(usage);
    return 2;
  }
  const file = readSts(target);
  for (const s of file.skipped.slice(0, 5)) process.stderr.write(`skipped line ${s.line}: ${s.reason}\n`);
  if (file.skipped.length > 5) process.stderr.write(`… and ${file.skipped.length - 5} more skipped lines\n`);
  const embedder = await EmbedderProcess.start(chosenModel(flags));
  try {
    const result = await evalSts(embedder, file.pairs);
    process.stdout.write(JSON.stringify({ model: embedder.modelId, layout: file.layout, ...result, skipped: file.skipped.length }) + '\n');
    return 0;
  } finally {
    await embedder.close();
  }
};
export default evalCommand;
