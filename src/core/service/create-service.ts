/** Thin first version of the service: the shape is final, the methods fill in as core grows. */
import { mkdirSync } from 'node:fs';
import { EventEmitter } from 'node:events';
import type { EventName } from '../../shared/api';
import type { IndexProgress } from '../../shared/types';
import { SettingsFile } from '../settings';
import { DesktopOnlyError, type TroveListener, type TroveService, type TroveServiceOptions } from '../trove-service';

const notYet = (what: string) => Promise.reject(new Error(`${what} is not implemented yet`));

export async function createTroveService(options: TroveServiceOptions): Promise<TroveService> {
  mkdirSync(options.dataDir, { recursive: true });
  const settings = new SettingsFile(options.dataDir);
  const events = new EventEmitter();
  const idle: IndexProgress = {
    state: 'idle', filesDone: 0, filesTotal: 0, chunksDone: 0, chunksPerSecond: 0, etaSeconds: null,
    currentFile: null, filesIndexed: 0, chunksIndexed: 0, problems: 0,
  };
  return {
    listFolders: async () => [],
    addFolder: () => notYet('addFolder'),
    removeFolder: () => notYet('removeFolder'),
    pickFolder: async () => null,
    status: async () => idle,
    pause: async () => idle,
    resume: async () => idle,
    search: () => notYet('search'),
    preview: () => notYet('preview'),
    problems: async () => [],
    getSettings: async () => settings.get(),
    setSettings: async (patch) => settings.update(patch),
    modelInfo: async () => ({
      id: options.embedder.modelId, dimension: options.embedder.dimension, variant: 'unknown',
      maxSeqLength: options.embedder.maxSeqLength, ready: true,
    }),
    openFile: () => Promise.reject(new DesktopOnlyError('opening files works only in the desktop app')),
    revealFile: () => Promise.reject(new DesktopOnlyError('revealing files works only in the desktop app')),
    on<E extends EventName>(event: E, listener: TroveListener<E>) {
      events.on(event, listener);
      return () => void events.off(event, listener);
    },
    resolveIndexedPath: () => notYet('resolveIndexedPath'),
    whenIdle: async () => {},
    close: async () => {},
  };
}
