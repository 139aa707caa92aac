/**
 * The parts of electron-builder the build tests call: its own icon resolver and config validation, from
 * the app-builder-lib that the declared `electron-builder` devDependency itself loads (app-builder-lib is
 * its dependency, not ours). They are internal modules, so an electron-builder upgrade that moves them
 * fails these tests loudly rather than letting the checks go quiet.
 */
import { createRequire } from 'node:module';

const fromElectronBuilder = createRequire(createRequire(import.meta.url).resolve('electron-builder'));

export const { convertIcon } = fromElectronBuilder('app-builder-lib/out/util/iconConverter.js') as typeof import('app-builder-lib/out/util/iconConverter.js');

const { validateConfiguration } = fromElectronBuilder('app-builder-lib/out/util/config/config.js') as {
  validateConfiguration: (config: unknown, debugLogger: { isEnabled: boolean; add: (key: string, value: unknown) => void }) => Promise<void>;
};

/** Rejects with electron-builder's message when the configuration does not match its schema. */
export const validateBuilderConfig = (config: unknown): Promise<void> => validateConfiguration(config, { isEnabled: false, add: () => {} });
