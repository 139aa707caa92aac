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

const fromAppBuilderLib = createRequire(fromElectronBuilder.resolve('app-builder-lib'));
// Through its index: platformPackager.js alone trips over a circular import.
const { PlatformPackager } = fromAppBuilderLib('app-builder-lib') as {
  PlatformPackager: { prototype: { generateFuseConfig(this: unknown, fuses: unknown): Promise<Record<string, unknown>> } };
};
const electronFuses = fromAppBuilderLib('@electron/fuses') as typeof import('@electron/fuses');
const { SENTINEL, FuseState } = fromAppBuilderLib('@electron/fuses/dist/constants.js') as { SENTINEL: string; FuseState: Record<string, number> };

/**
 * A stand-in Electron binary: @electron/fuses's sentinel and a V1 wire of 8 fuses set as Electron 45
 * ships them (RunAsNode, NODE_OPTIONS, --inspect and file:// privileges on; the rest off).
 * scripts/pack-size.mjs writes the same one.
 */
export function standInElectronBinary(): Buffer {
  return Buffer.concat([Buffer.from('#!/bin/sh\n'), Buffer.from(SENTINEL), Buffer.from([1, 8]), Buffer.from('10110001')]);
}

/**
 * What electron-builder writes into the app's binary for `config.electronFuses`: its own
 * generateFuseConfig, flipped by @electron/fuses into the stand-in binary at `binaryPath`, read back.
 */
export async function fusesWrittenBy(fuses: unknown, binaryPath: string): Promise<Record<string, 'on' | 'off' | 'unset'>> {
  const config = await PlatformPackager.prototype.generateFuseConfig.call(null, fuses);
  await electronFuses.flipFuses(binaryPath, config as Parameters<typeof electronFuses.flipFuses>[1]);
  const wire = await electronFuses.getCurrentFuseWire(binaryPath);
  const names = electronFuses.FuseV1Options as unknown as Record<number, string>;
  return Object.fromEntries(
    Object.entries(wire)
      .filter(([k]) => k !== 'version')
      .map(([k, v]) => [names[Number(k)], v === FuseState.ENABLE ? 'on' : v === FuseState.DISABLE ? 'off' : 'unset']),
  );
}
