/**
 * The installer configuration, read as electron-builder reads it: the targets people download, the
 * model shipped beside the app, and native modules that can actually load once installed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { fusesWrittenBy, standInElectronBinary, validateBuilderConfig } from './electron-builder-internals';

const root = join(import.meta.dirname, '..', '..', '..');
const config = parse(readFileSync(join(root, 'build', 'electron-builder.yml'), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- free-form YAML
const targets = (platform: string): string[] => (config[platform]?.target ?? []).map((t: string | { target: string }) => (typeof t === 'string' ? t : t.target));

test('builds AppImage and deb for Linux, NSIS for Windows, dmg for macOS', () => {
  assert.deepEqual(targets('linux').sort(), ['AppImage', 'deb']);
  assert.deepEqual(targets('win'), ['nsis']);
  assert.deepEqual(targets('mac'), ['dmg']);
});

test('ships the model as an extra resource where the main process looks for it', () => {
  const models = (config.extraResources as { from: string; to: string }[]).find((r) => r.from === 'resources/models');
  assert.ok(models, 'resources/models is listed under extraResources');
  assert.equal(models.to, 'models');
  const mainPaths = readFileSync(join(root, 'src', 'main', 'paths.ts'), 'utf8');
  assert.match(mainPaths, /process\.resourcesPath, 'models'\)/);
  assert.ok(readFileSync(join(root, 'resources', 'models', 'all-MiniLM-L6-v2', 'manifest.json')).length > 0);
  assert.ok((models as { filter?: string[] }).filter?.includes('!test-fixtures/**'), 'the test fixture models stay out of the installer');
});

test('unpacks native modules (onnxruntime-node, better-sqlite3) from the asar', () => {
  assert.equal(config.asar, true);
  const unpack: string[] = config.asarUnpack;
  assert.ok(unpack.includes('**/*.node'));
  assert.ok(unpack.some((p) => p.includes('better-sqlite3')));
  assert.ok(unpack.some((p) => p.includes('onnxruntime-node')));
});

test('rebuilds native modules for Electron while packaging', () => {
  assert.equal(config.npmRebuild, true);
});

test('packs the electron-vite output, and npm run dist uses this file', () => {
  assert.ok((config.files as string[]).includes('out/**'));
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.equal(pkg.main, './out/main/index.js');
  assert.match(pkg.scripts.dist, /electron-builder --config build\/electron-builder\.yml/);
});

test('the deb names a real maintainer, the same as package.json author (which electron-builder falls back to)', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.ok(pkg.author?.name && pkg.author?.email, 'package.json has an author with a name and an email');
  assert.equal(config.linux.maintainer, `${pkg.author.name} <${pkg.author.email}>`);
  assert.doesNotMatch(config.linux.maintainer, /\.invalid>|example\.(com|org)>/);
});

test('an unsigned build still works: no certificate, identity or forced signing in the config', () => {
  // Certificates and notarisation credentials come from the environment (CSC_LINK, APPLE_ID, …);
  // without them electron-builder skips signing and notarisation instead of failing.
  for (const section of [config, config.mac, config.win, config.win?.signtoolOptions, config.linux]) {
    for (const key of ['forceCodeSigning', 'cscLink', 'cscKeyPassword', 'identity', 'certificateFile', 'certificatePassword']) {
      assert.equal(section?.[key], undefined, `${key} is not set in the config`);
    }
  }
  assert.notEqual(config.mac.notarize, true, 'notarisation is not demanded');
  assert.equal(config.mac.hardenedRuntime, true, 'ready for notarisation when credentials are given');
});

test("the whole file matches electron-builder's schema (a misspelt option fails here, not at release time)", async () => {
  await validateBuilderConfig(config);
  await assert.rejects(validateBuilderConfig({ ...config, mac: { ...config.mac, icom: 'build/icon.png' } }), /configuration\.mac/);
});

/** The fuses Trove's installers ship with (issue 22): each one a promise the README makes. */
const fuses = {
  runAsNode: false,
  enableCookieEncryption: true,
  enableNodeOptionsEnvironmentVariable: false,
  enableNodeCliInspectArguments: false,
  enableEmbeddedAsarIntegrityValidation: true,
  onlyLoadAppFromAsar: true,
  grantFileProtocolExtraPrivileges: false,
};

test('sets every fuse: RunAsNode, NODE_OPTIONS and --inspect off, cookie encryption on, only the asar, asar integrity on', () => {
  assert.ok(config.electronFuses, 'build/electron-builder.yml has electronFuses');
  for (const [fuse, value] of Object.entries(fuses)) assert.equal(config.electronFuses[fuse], value, `electronFuses.${fuse}`);
  assert.equal(config.asar, true, 'onlyLoadAppFromAsar and asar integrity need the app in an asar');
});

test("electron-builder's own code writes those fuses into the binary (a misspelt or missing fuse would stay as Electron ships it)", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trove-fuses-'));
  try {
    const binary = join(dir, 'trove');
    writeFileSync(binary, standInElectronBinary());
    assert.deepEqual(await fusesWrittenBy(config.electronFuses, binary), {
      RunAsNode: 'off',
      EnableCookieEncryption: 'on',
      EnableNodeOptionsEnvironmentVariable: 'off',
      EnableNodeCliInspectArguments: 'off',
      EnableEmbeddedAsarIntegrityValidation: 'on',
      OnlyLoadAppFromAsar: 'on',
      LoadBrowserProcessSpecificV8Snapshot: 'off',
      GrantFileProtocolExtraPrivileges: 'off',
    });
    // The check can fail: Electron's own defaults, with no fuses configured, are not what Trove ships.
    writeFileSync(binary, standInElectronBinary());
    assert.equal((await fusesWrittenBy({}, binary)).RunAsNode, 'on');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('RunAsNode can be off because the app never forks: main starts the engine and its helpers as utility processes', () => {
  const main = readFileSync(join(root, 'src', 'main', 'index.ts'), 'utf8');
  assert.match(main, /helpers: 'from-parent'/, 'the engine is told to ask main for its helpers');
  assert.match(main, /launch: engineLauncher\(\)/, 'the engine itself is a utility process');
});
