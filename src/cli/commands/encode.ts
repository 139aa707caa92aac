import { startEmbedder } from '../start-embedder';
import { createInterface } from 'node:readline';
import type { Command } from '../command';
import { chosenModel } from '../model-choice';

/** `encode`: one text per line on stdin → one JSON vector per line on stdout, in order. */
const encode: Command = async ({ flags }) => {
  const embedder = await startEmbedder(chosenModel(flags));
  try {
    let batch: string[] = [];
    const flush = async () => {
      if (!batch.length) return;
      const vectors = await embedder.encode(batch);
      batch = [];
      process.stdout.write(vectors.map((v) => JSON.stringify(Array.from(v, (x) => Number(x.toFixed(7))))).join('\n') + '\n');
    };
    for await (const line of createInterface({ input: process.stdin, crlfDelay: Infinity })) {
      batch.push(line);
      if (batch.length >= 256) await flush();
    }
    await flush();
    return 0;
  } finally {
    await embedder.close();
  }
};
export default encode;
