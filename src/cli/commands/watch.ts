/** `watch <folder> --db <file>`: index, then keep the index in step with the folder until Ctrl-C. */
import { resolve } from 'node:path';
import { parseFlags, type Command } from '../command';
import { addFolderOrExplain, formatProgress, openCliService, requireDb } from './index';

const watchCommand: Command = async (args) => {
  const { positional, flags } = parseFlags(args, ['yes']);
  const folder = positional[0];
  if (!folder) {
    process.stderr.write('usage: npm run trove -- watch <folder> --db <file> [--yes]\n');
    return 2;
  }
  const { service, embedder } = await openCliService(requireDb(flags), { watch: true, flags });
  let last = '';
  service.on('progress', (p) => {
    const line = p.state === 'idle' ? `idle: ${p.filesIndexed} files, ${p.chunksIndexed} passages, ${p.problems} problems` : formatProgress(p);
    if (line !== last) process.stderr.write((process.stderr.isTTY ? '\r\x1b[K' : '') + line + (process.stderr.isTTY ? '' : '\n'));
    last = line;
  });
  await addFolderOrExplain(service, resolve(folder), flags.has('yes'));
  for (const f of await service.listFolders()) if (f.warning) process.stderr.write(`\n${f.path}: ${f.warning}\n`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  process.stderr.write('\n');
  await service.close();
  await embedder.close();
  return 0;
};
export default watchCommand;
