import { EmbedderProcess } from '../../core/embed/embedder-process';
import { evalSts, readSts } from '../../core/eval/sts';
import type { Command } from '../command';

const usage = 'usage: npm run trove -- eval sts <sts-test.csv> | eval beir <scifact folder>\n';

/** `eval sts <file>` and `eval beir <folder>`: print one JSON line of figures. */
const evalCommand: Command = async ([kind, target, ...rest]) => {
  if (kind === 'beir' && target) {
    const { evalBeir } = await import('./eval-beir');
    return evalBeir([target, ...rest]);
  }
  if (kind !== 'sts' || !target) {
    process.stderr.write(usage);
    return 2;
  }
  const pairs = readSts(target);
  const embedder = await EmbedderProcess.start();
  try {
    process.stdout.write(JSON.stringify(await evalSts(embedder, pairs)) + '\n');
    return 0;
  } finally {
    await embedder.close();
  }
};
export default evalCommand;
