/**
 * `npm run serve -- --folder <dir>` (flags in command-table.ts): the app in a browser tab. Serves
 * the built UI and the API on 127.0.0.1, prints the address with its access token; the engine runs
 * in a child process (core/host/engine-client.ts).
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { UsageError, type Command } from '../command';
import { startEngine } from '../../core/host/engine-client';
import { chosenDevice, chosenModel } from '../model-choice';
import { startWebHost } from '../../web/server';

const serve: Command = async ({ flags, lists }) => {
  const port = flags.has('port') ? Number(flags.get('port')) : 0;
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError('serve: --port must be a number from 0 to 65535');
  const dataDir = resolve(flags.get('data') ?? join(homedir(), '.trove'));
  const rendererDir = resolve(flags.get('renderer') ?? join(process.cwd(), 'out', 'renderer'));
  if (!existsSync(join(rendererDir, 'index.html'))) {
    process.stderr.write(`serve: no UI build in ${rendererDir}; run \`npx electron-vite build\` (npm run serve does it for you)\n`);
    return 1;
  }
  const wanted = (lists.get('folder') ?? []).map((f) => resolve(f));
  for (const f of wanted) {
    if (!existsSync(f)) {
      process.stderr.write(`serve: folder not found: ${f}\n`);
      return 2;
    }
  }

  // The engine runs in its own process, as in the desktop app, so this one only serves HTTP. The data
  // folder's model manager chooses the model unless --model names one.
  const service = await startEngine({
    init: { dataDir, ...(flags.has('model') ? chosenModel(flags) : {}), ...(chosenDevice(flags) ? { device: chosenDevice(flags) } : {}) },
    onCrash: (why) => process.stderr.write(`${why}; restarting it\n`),
  });
  const known = new Set((await service.listFolders()).map((f) => f.path));
  for (const f of wanted) if (!known.has(f)) await service.addFolder(f);
  const host = await startWebHost({ service, rendererDir, port });
  process.stdout.write(`Trove is running at ${host.url}\n(data: ${dataDir}; Ctrl+C to stop)\n`);

  await new Promise<void>((done) => {
    const stop = () => done();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  process.stdout.write('stopping…\n');
  await host.close();
  await service.close();
  return 0;
};

export default serve;
