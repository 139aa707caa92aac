/** Where the app keeps its data and finds its model, packaged or in development. */
import { app } from 'electron';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { helperEntries, type HelperName } from '../core/process/process-handle';

/** Settings and the index database: the OS's per-user app data folder. */
export const dataDir = (): string => app.getPath('userData');

/** The shipped models: an extra resource next to the asar when packaged; the repo's copy in development. */
export const shippedModelsDir = (): string =>
  app.isPackaged ? join(process.resourcesPath, 'models') : join(app.getAppPath(), 'resources', 'models');

/**
 * Built files sit next to this bundle: out/main/index.js, out/main/engine-worker.js, and the helpers
 * main starts for the engine beside them (embed-worker.js, extract-worker.js), out/preload, out/renderer.
 */
const built = (rel: string): string => fileURLToPath(new URL(rel, import.meta.url));

export const engineEntry = (): string => built(`./${helperEntries.engine}.js`);
/** A helper's built entry: only these names, never a path the engine sends. */
export const helperEntry = (name: HelperName): string => built(`./${helperEntries[name]}.js`);
export const preloadEntry = (): string => built('../preload/index.cjs');
/** The built UI, served as trove://app/ (./app-protocol). */
export const rendererDir = (): string => built('../renderer');
