/** `search "<query>" --db <file> [--k 10] [--json]`: search an index built by `index` or `watch`. */
import { parseFlags, type Command } from '../command';
import { openCliService, requireDb } from './index';

const searchCommand: Command = async (args) => {
  const { positional, flags } = parseFlags(args, ['json']);
  const text = positional.join(' ').trim();
  if (!text) {
    process.stderr.write('usage: npm run trove -- search "<query>" --db <file> [--k 10] [--json]\n');
    return 2;
  }
  const k = Number(flags.get('k') ?? 10);
  if (!Number.isInteger(k) || k < 1 || k > 100) throw new Error('--k must be a whole number from 1 to 100');
  const { service, embedder } = await openCliService(requireDb(flags), { reconcileOnStart: false, flags });
  try {
    const response = await service.search({ text, k });
    if (flags.has('json')) process.stdout.write(JSON.stringify(response) + '\n');
    else {
      for (const [i, hit] of response.hits.entries()) {
        const where = hit.best.location ? ` (${hit.best.location})` : '';
        const h = hit.best.highlight;
        const snippet = hit.best.text.slice(h.start, h.end).replace(/\s+/g, ' ').slice(0, 200);
        process.stdout.write(`${i + 1}. ${hit.score.toFixed(3)}  ${hit.path}${where}\n    ${snippet}\n`);
      }
      process.stdout.write(`${response.hits.length} files, ${response.passagesSearched} passages searched in ${response.tookMs} ms\n`);
    }
    return 0;
  } finally {
    await service.close();
    await embedder.close();
  }
};
export default searchCommand;
