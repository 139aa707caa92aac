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
 * Exits 1 if a native library is packed or the total exceeds --max MB.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync, chmodSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

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

if (!existsSync(join(root, 'out', 'main', 'index.js'))) {
  process.stderr.write('pack:size: no out/ build; run `npx electron-vite build` first (npm run pack:size does)\n');
  process.exit(1);
}

const work = mkdtempSync(join(tmpdir(), 'trove-pack-'));
try {
  // A stand-in Electron: electron-builder copies this folder and renames the binary.
  const electronDist = join(work, 'electron');
  mkdirSync(join(electronDist, 'resources'), { recursive: true });
  writeFileSync(join(electronDist, platform === 'win' ? 'electron.exe' : 'electron'), '#!/bin/sh\n');
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
} finally {
  rmSync(work, { recursive: true, force: true });
}
