import { EmbedderProcess } from '../../core/embed/embedder-process';
import { dot } from '../../core/embed/similarity';
import type { Command } from '../command';

/** `similarity "<text a>" "<text b>"`: prints the cosine similarity of the two texts' embeddings. */
const similarity: Command = async (args) => {
  if (args.length !== 2) {
    process.stderr.write('usage: npm run trove -- similarity "<text a>" "<text b>"\n');
    return 2;
  }
  const embedder = await EmbedderProcess.start();
  try {
    const [a, b] = await embedder.encode(args);
    process.stdout.write(`${dot(a, b).toFixed(4)}\n`);
    return 0;
  } finally {
    await embedder.close();
  }
};
export default similarity;
