#!/usr/bin/env node
/**
 * `npm run pack:size [-- --platform linux --arch x64 --max 200]`: what the installer carries, by folder.
 *
 * Runs electron-builder itself (`--dir`, the real build/electron-builder.yml, the built `out/`) with a
 * stand-in Electron distribution, because Electron cannot be downloaded here and its size is not ours to
 * trim anyway. Then reads the packed app.asar's header and app.asar.unpacked and prints the bytes per
 * package, packed and unpacked, with the total excluding Electron and the models (which ship beside
 * the app as resources/models). It also checks that every native library in the archive is unpacked:
 * dlopen() cannot read inside an asar, so a packed .node/.so/.dylib/.dll fails only on a user's machine.
 * The stand-in binary carries the fuse wire of a real one, so electron-builder flips the config's
 * electronFuses in it as it would in Electron's; the fuses are read back and printed.
 * Exits 1 if a native library is packed, a configured fuse is not set in the packed binary, or the
 * total exceeds --max MB.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : fallback;
};
const platform = flag('platform', 'linux');
const arch = flag('arch', 'x64');
const maxMB = Number(flag('max', '200'));
const asar = createRequire(import.meta.url)('@electron/asar');
// electron-builder's own @electron/fuses (a dependency of its app-builder-lib), the one that flips the fuses.
const fromBuilder = createRequire(createRequire(createRequire(import.meta.url).resolve('electron-builder')).resolve('app-builder-lib'));
const fuses = fromBuilder('@electron/fuses');
const { SENTINEL } = fromBuilder('@electron/fuses/dist/constants.js');

if (!existsSync(join(root, 'out', 'main', 'index.js'))) {
  process.stderr.write('pack:size: no out/ build; run `npx electron-vite build` first (npm run pack:size does)\n');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'trove-pack-'));
try {
  // A stand-in Electron: electron-builder copies this folder, renames the binary and flips its fuses.
  // It holds @electron/fuses's sentinel and a V1 wire of 8 fuses as Electron 45 ships them.
  const electronDist = join(work, 'electron');
  mkdirSync(join(electronDist, 'resources'), { recursive: true });
  const standIn = Buffer.concat([Buffer.from('#!/bin/sh\n'), Buffer.from(SENTINEL), Buffer.from([1, 8]), Buffer.from('10110001')]);
  writeFileSync(join(electronDist, platform === 'win' ? 'electron.exe' : 'electron'), standIn);
  chmodSync(join(electronDist, 'electron'), 0o755);
  const output = join(work, 'release');
  const builder = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'electron-builder.cmd' : 'electron-builder');
  const r = spawnSync(
    builder,
    ['--config', 'build/electron-builder.yml', `--${platform}`, 'dir', `--${arch}`, `-c.electronDist=${electronDist}`, '-c.npmRebuild=false', `-c.directories.output=${output}`],
    { cwd: root, encoding: 'utf8' },
  );
  if (r.status !== 0) {
    process.stderr.write(r.stdout + r.stderr);
    process.exit(1);
  }
  const unpackedDir = readdirSync(output).find((d) => d.endsWith('-unpacked'));
  const resources = join(output, unpackedDir, 'resources');

  /** node_modules/@scope/name or node_modules/name or the first folder: the line a file counts in. */
  const bucket = (path) => {
    const parts = path.split(/[\\/]/).filter(Boolean);
    const i = parts.lastIndexOf('node_modules');
    if (i < 0) return parts[0];
    return parts[i + 1].startsWith('@') ? `${parts[i + 1]}/${parts[i + 2]}` : parts[i + 1];
  };
  const rows = new Map();
  const add = (key, packed, unpacked) => {
    const row = rows.get(key) ?? { packed: 0, unpacked: 0 };
    row.packed += packed;
    row.unpacked += unpacked;
    rows.set(key, row);
  };
  const nativeInAsar = [];
  const isNative = (name) => /\.(node|dylib|dll)$|\.so(\.\d+)*$/.test(name);
  const header = asar.getRawHeader(join(resources, 'app.asar')).header;
  (function walk(node, path) {
    if (node.files) {
      for (const [name, child] of Object.entries(node.files)) walk(child, [...path, name]);
    } else if (node.unpacked) {
      // Counted below from the real files in app.asar.unpacked.
    } else {
      if (isNative(path.at(-1))) nativeInAsar.push(path.join('/'));
      add(bucket(path.join('/')), node.size ?? 0, 0);
    }
  })(header, []);
  const unpackedRoot = join(resources, 'app.asar.unpacked');
  (function walk(dir) {
    if (!existsSync(dir)) return;
    for (const name of readdirSync(dir)) {
      const p = join(dir, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else add(bucket(relative(unpackedRoot, p).split(sep).join('/')), 0, st.size);
    }
  })(unpackedRoot);
  const du = (dir) => {
    if (!existsSync(dir)) return 0;
    return readdirSync(dir).reduce((s, name) => {
      const st = statSync(join(dir, name));
      return s + (st.isDirectory() ? du(join(dir, name)) : st.size);
    }, 0);
  };

  const mb = (b) => (b / 1e6).toFixed(1).padStart(7);
  const sorted = [...rows].sort((a, b) => b[1].packed + b[1].unpacked - (a[1].packed + a[1].unpacked));
  const total = sorted.reduce((s, [, r]) => s + r.packed + r.unpacked, 0);
  const lines = [`What electron-builder packs for ${platform}-${arch} (MB; Electron and models excluded)`, `${'in asar'.padStart(7)} ${'unpacked'.padStart(8)}  folder`];
  for (const [key, r] of sorted) if (r.packed + r.unpacked >= 0.05e6) lines.push(`${mb(r.packed)} ${mb(r.unpacked).padStart(8)}  ${key}`);
  const small = sorted.filter(([, r]) => r.packed + r.unpacked < 0.05e6);
  if (small.length) lines.push(`${mb(small.reduce((s, [, r]) => s + r.packed, 0))} ${mb(small.reduce((s, [, r]) => s + r.unpacked, 0)).padStart(8)}  ${small.length} smaller folders`);
  lines.push(`total ${mb(total).trim()} MB (limit ${maxMB} MB); models beside it ${mb(du(join(resources, 'models'))).trim()} MB`);
  process.stdout.write(lines.join('\n') + '\n');
  if (nativeInAsar.length) {
    process.stderr.write(`native libraries packed inside app.asar (dlopen cannot load them; add them to asarUnpack):\n  ${nativeInAsar.join('\n  ')}\n`);
    process.exitCode = 1;
  } else {
    process.stdout.write('every native library (.node, .so, .dylib, .dll) is unpacked from the asar\n');
  }
  if (total > maxMB * 1e6) process.exitCode = 1;

  // The fuses as electron-builder left them in the packed binary, against build/electron-builder.yml.
  const appDir = join(output, unpackedDir);
  const binary = readdirSync(appDir)
    .map((name) => join(appDir, name))
    .find((p) => statSync(p).isFile() && readFileSync(p).includes(SENTINEL));
  const wire = await fuses.getCurrentFuseWire(binary);
  const state = (i) => (wire[i] === 49 ? 'on' : wire[i] === 48 ? 'off' : 'unset');
  const names = Object.keys(fuses.FuseV1Options).filter((k) => Number.isNaN(Number(k)));
  process.stdout.write(`fuses: ${names.map((n) => `${n} ${state(fuses.FuseV1Options[n])}`).join(', ')}\n`);
  const wanted = parse(readFileSync(join(root, 'build', 'electron-builder.yml'), 'utf8')).electronFuses ?? {};
  const wrong = Object.entries(wanted)
    .filter(([key, on]) => state(fuses.FuseV1Options[key[0].toUpperCase() + key.slice(1)]) !== (on ? 'on' : 'off'))
    .map(([key]) => key);
  if (wrong.length) {
    process.stderr.write(`fuses not set in the packed binary as build/electron-builder.yml says: ${wrong.join(', ')}\n`);
    process.exitCode = 1;
  }
} finally {
  rmSync(work, { recursive: true, force: true });
}
