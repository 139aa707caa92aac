/**
 * `index <folder> --db <file>`: one indexing pass (add the folder if new, reconcile, embed what
 * changed), progress on stderr (rewritten on a terminal, a line every few seconds otherwise), one JSON summary line on stdout at the end.
 */
import { dirname, resolve } from 'node:path';
import { startEngine, type EngineClient } from '../../core/host/engine-client';
import type { IndexProgress } from '../../shared/types';
import { UsageError, type Command } from '../command';
import { chosenModel } from '../model-choice';
import { progressLines } from '../progress-lines';
import { formatDuration } from '../../shared/durations';

/**
 * The engine as the CLI uses it: in its own process, as under the app and the web host (the model in
 * a child of that one), data next to the database file. `closeTimeoutMs`: how long close() lets the
 * engine finish the file in hand before it is killed (every write is a transaction).
 */
export async function openCliService(
  db: string,
  options: { watch?: boolean; reconcileOnStart?: boolean; flags?: Map<string, string>; closeTimeoutMs?: number } = {},
): Promise<EngineClient> {
  const dbPath = resolve(db);
  const { modelDir, variant, device } = chosenModel(options.flags);
  const client = await startEngine({
    init: { dataDir: dirname(dbPath), dbPath, modelDir, variant, device, watch: options.watch ?? false, reconcileOnStart: options.reconcileOnStart ?? true },
    closeTimeoutMs: options.closeTimeoutMs,
    onCrash: (why) => process.stderr.write(`${why}; restarting it\n`),
  });
  // The chosen weights were refused on this CPU and fp32 is used, or the GPU asked for could not be: said once, before any progress line.
  const { modelNotice } = await client.status();
  if (modelNotice) process.stderr.write(`note: ${modelNotice}\n`);
  return client;
}

/** One progress line: state, files done/total, passages, rate, time left, the file in hand and how far it is. */
export function formatProgress(p: IndexProgress): string {
  const left = p.etaSeconds === null ? '' : `ETA ${formatDuration(p.etaSeconds)}`;
  const inFile = p.currentFileProgress;
  const within = !inFile ? '' : inFile.unit === 'pages' ? ` (page ${inFile.done}/${inFile.total} read)` : ` (${inFile.done}/${inFile.total} passages embedded)`;
  return (
    `${p.state} ${p.filesDone}/${p.filesTotal} files, ${p.chunksDone} passages, ${p.chunksPerSecond} passages/s` +
    `${left ? `, ${left}` : ''}${p.currentFile ? `  ${p.currentFile}${within}` : ''}`
  );
}

/** Add a folder; a whole drive or home folder needs --yes, and the refusal says how much it holds. */
export async function addFolderOrExplain(service: Pick<EngineClient, 'addFolder'>, folder: string, yes: boolean): Promise<void> {
  try {
    await service.addFolder(folder, { confirmBroad: yes });
  } catch (err) {
    if ((err as Error).name === 'ConfirmationNeededError') throw new Error(`${(err as Error).message.replace(/; confirm.*$/, '')}; add --yes to index it anyway`);
    throw err;
  }
}

/** --db, which the command table already requires of every command on an index. */
export function requireDb(flags: Map<string, string>): string {
  const db = flags.get('db');
  if (!db) throw new UsageError('--db <file> is required');
  return db;
}

const indexCommand: Command = async ({ positional, flags }) => {
  const folder = positional[0];
  const started = performance.now();
  const service = await openCliService(requireDb(flags), { flags });
  const lines = progressLines();
  service.on('progress', (p) => p.state !== 'idle' && lines.show(formatProgress(p)));
  try {
    await addFolderOrExplain(service, resolve(folder), flags.has('yes'));
    await service.whenIdle();
    lines.end();
    const status = await service.status();
    const t = await service.indexTotals();
    const summary = {
      folder: resolve(folder),
      filesIndexed: status.filesIndexed,
      chunksIndexed: status.chunksIndexed,
      problems: status.problems,
      embedded: t.embedded,
      reused: t.reused,
      unchanged: t.unchanged,
      failed: t.failed,
      removed: t.removed,
      chunksEmbedded: t.chunksEmbedded,
      seconds: Math.round((performance.now() - started) / 100) / 10,
    };
    process.stdout.write(JSON.stringify(summary) + '\n');
    // The model could not embed anything: one line saying why and what to do, not one problem per file.
    if (status.modelProblem) {
      process.stderr.write(`${status.modelProblem}\n`);
      return 1;
    }
    return 0;
  } finally {
    lines.end();
    await service.close();
  }
};
export default indexCommand;
