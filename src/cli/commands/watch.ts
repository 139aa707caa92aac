/**
 * `watch <folder> --db <file>`: index, then keep the index in step with the folder until Ctrl-C or
 * SIGTERM. A signal stops within a second or two whatever is in hand: the document being read (its
 * reading process is killed) and the passages being embedded (the request is withdrawn, the embedding
 * process given a moment to exit and then killed), all in the engine process, which is itself killed
 * if it has not left within ENGINE_EXIT_MS. Nothing half-done is written; the next start
 * picks up the files that were not finished.
 */
import { resolve } from 'node:path';
import type { Command } from '../command';
import { progressLines } from '../progress-lines';
import { addFolderOrExplain, formatProgress, openCliService, requireDb } from './index';

/**
 * How long the engine process may take to stop after a signal before it is killed. Closing the index
 * (abandon the file in hand, close watchers and database) took ~0.1 s in the old in-process CLI; the
 * rest of an engine's close is waiting up to 3 s for an embedding process busy with a cancelled batch,
 * which is pure computation. A kill loses nothing written: every write is a transaction, and the
 * embedding process leaves when its parent goes.
 */
const ENGINE_EXIT_MS = 1000;

const watchCommand: Command = async ({ positional, flags }) => {
  const folder = positional[0];
  // Listen before anything slow starts (the model process, the first walk): a signal then still stops cleanly.
  const signalled = new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  // A second signal while stopping: leave at once (every write is a transaction, the index stays whole).
  void signalled.then(() => {
    const now = () => process.exit(130);
    process.once('SIGINT', now);
    process.once('SIGTERM', now);
  });
  const service = await openCliService(requireDb(flags), { watch: true, flags, closeTimeoutMs: ENGINE_EXIT_MS });
  try {
    // Every change shows (watching is mostly idle); on a terminal it is one line rewritten in place.
    const lines = progressLines({ everyMs: 0 });
    let problem: string | null | undefined = null;
    service.on('progress', (p) => {
      if (p.modelProblem && p.modelProblem !== problem) lines.say(p.modelProblem);
      problem = p.modelProblem;
      lines.show(p.state === 'idle' ? `idle: ${p.filesIndexed} files, ${p.chunksIndexed} passages, ${p.problems} problems` : formatProgress(p));
    });
    const adding = addFolderOrExplain(service, resolve(folder), flags.has('yes'));
    adding.catch(() => {}); // a signal may end the wait first; a refusal is rethrown below otherwise
    const first = await Promise.race([adding.then(() => 'added' as const), signalled.then(() => 'signal' as const)]);
    if (first === 'added') {
      for (const f of await service.listFolders()) if (f.warning) lines.say(`${f.path}: ${f.warning}`);
      await signalled;
    }
    lines.end();
    return 0;
  } finally {
    await service.close();
  }
};
export default watchCommand;
