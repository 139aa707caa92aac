import { startEmbedder } from '../start-embedder';
import { dot } from '../../core/embed/similarity';
import type { Command } from '../command';
import { chosenModel } from '../model-choice';

/** `similarity "<text a>" "<text b>" [--model m]`: the model's similarity (cosine or dot) of the two texts, as queries. */
const similarity: Command = async ({ positional: args, flags }) => {
  const embedder = await startEmbedder(chosenModel(flags));
  try {
    const [a, b] = await embedder.encode(args, { role: 'query' });
    process.stdout.write(`${dot(a, b).toFixed(4)}\n`);
    return 0;
  } finally {
    await embedder.close();
  }
};
export default similarity;
