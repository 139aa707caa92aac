/**
 * `similar <file> --db <file>` (flags in command-table.ts): files like an indexed one — closest to
 * the file as a whole (the mean of its passages), or with --passage to one of its passages (the
 * chunkId that `search --json` prints).
 */
import { resolve } from 'node:path';
import { UsageError, type Command } from '../command';
import { openCliService, requireDb } from './index';
import { filtersFromFlags, parseK, printResponse } from './search';

const similarCommand: Command = async ({ positional, flags, lists }) => {
  const k = parseK(flags);
  const passage = flags.get('passage');
  const chunkId = passage === undefined ? undefined : Number(passage);
  if (chunkId !== undefined && !(Number.isInteger(chunkId) && chunkId > 0)) throw new UsageError('--passage must be a passage id (chunkId) from search --json');
  const filters = filtersFromFlags(flags, lists);
  const service = await openCliService(requireDb(flags), { reconcileOnStart: false, flags });
  try {
    const response = await service.similarTo({ path: resolve(positional[0]), chunkId, k, filters });
    if (flags.has('json')) process.stdout.write(JSON.stringify(response) + '\n');
    else {
      process.stdout.write(`Files like ${response.query}${chunkId !== undefined ? ` (passage ${chunkId})` : ' (the whole file)'}:\n`);
      printResponse(response);
    }
    return 0;
  } finally {
    await service.close();
  }
};
export default similarCommand;
