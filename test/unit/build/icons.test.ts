/**
 * Issue 22 item 4: the installers carry Trove's icon, not Electron's. One source (build/icon.svg) is
 * rendered by `npm run icons` (scripts/icons.mjs) to committed PNGs; here each PNG is read as a PNG
 * (signature, IHDR, checksums, the pixel data inflated to the size the header promises) and
 * build/electron-builder.yml is checked to point every platform at them.
 */
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { crc32, inflateSync } from 'node:zlib';
import { parse } from 'yaml';
import { convertIcon } from './electron-builder-internals';

const root = join(import.meta.dirname, '..', '..', '..');
const config = parse(readFileSync(join(root, 'build', 'electron-builder.yml'), 'utf8')) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- free-form YAML
const LINUX_SIZES = [16, 32, 48, 64, 128, 256, 512];
const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

interface Png {
  width: number;
  height: number;
}

/** Reads a PNG's chunks, checking each CRC, and the image data's length against IHDR (8-bit RGBA). */
function readPng(path: string): Png {
  const bytes = readFileSync(path);
  assert.ok(bytes.subarray(0, 8).equals(SIGNATURE), `${path}: PNG signature`);
  const chunks: { type: string; data: Buffer }[] = [];
  for (let at = 8; at < bytes.length; ) {
    assert.ok(at + 12 <= bytes.length, `${path}: a whole chunk header at ${at}`);
    const length = bytes.readUInt32BE(at);
    assert.ok(at + 12 + length <= bytes.length, `${path}: chunk at ${at} ends inside the file`);
    const typeAndData = bytes.subarray(at + 4, at + 8 + length);
    assert.equal(crc32(typeAndData), bytes.readUInt32BE(at + 8 + length), `${path}: CRC of chunk at ${at}`);
    chunks.push({ type: typeAndData.subarray(0, 4).toString('latin1'), data: typeAndData.subarray(4) });
    at += 12 + length;
  }
  assert.equal(chunks[0]?.type, 'IHDR', `${path}: IHDR first`);
  assert.equal(chunks.at(-1)?.type, 'IEND', `${path}: IEND last`);
  const ihdr = chunks[0].data;
  const png = { width: ihdr.readUInt32BE(0), height: ihdr.readUInt32BE(4) };
  assert.deepEqual([ihdr[8], ihdr[9], ihdr[12]], [8, 6, 0], `${path}: 8-bit RGBA (with transparency), not interlaced`);
  const pixels = inflateSync(Buffer.concat(chunks.filter((c) => c.type === 'IDAT').map((c) => c.data)));
  assert.equal(pixels.length, png.height * (1 + png.width * 4), `${path}: image data for ${png.width}×${png.height}`);
  return png;
}

test('build/icon.svg is the one source: a square vector image', () => {
  const svg = readFileSync(join(root, 'build', 'icon.svg'), 'utf8');
  assert.match(svg, /<svg[^>]*viewBox="0 0 1024 1024"/);
  assert.doesNotMatch(svg, /<(image|script|text)\b|href="(?!#)/, 'no raster, script, font-dependent text or outside reference');
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  assert.equal(pkg.scripts.icons, 'node scripts/icons.mjs');
  assert.ok(pkg.devDependencies['@resvg/resvg-js'], 'the rasteriser is a devDependency');
});

test('build/icon.png is 1024×1024, and macOS and Windows are pointed at it', () => {
  assert.deepEqual(readPng(join(root, 'build', 'icon.png')), { width: 1024, height: 1024 });
  // electron-builder makes the .icns (needs ≥ 512 px) and the .ico (≥ 256 px) from this PNG.
  assert.equal(config.mac.icon, 'build/icon.png');
  assert.equal(config.win.icon, 'build/icon.png');
  assert.equal(config.directories.buildResources, 'build');
});

test('the Linux icon set holds each size, named as electron-builder expects', () => {
  const dir = join(root, 'build', 'icons');
  assert.deepEqual(readdirSync(dir).sort(), LINUX_SIZES.map((s) => `${s}x${s}.png`).sort(), 'exactly the generated sizes');
  for (const size of LINUX_SIZES) assert.deepEqual(readPng(join(dir, `${size}x${size}.png`)), { width: size, height: size });
  assert.equal(config.linux.icon, 'build/icons');
  assert.ok(existsSync(join(root, config.linux.icon)));
});

test("electron-builder's own resolver finds the Linux set (no fallback to Electron's icon)", async () => {
  // The function electron-builder calls for linux.icon (format "set"), with the roots it uses.
  const result = await convertIcon({
    sources: [config.linux.icon],
    fallbackSources: [],
    roots: [join(root, config.directories.buildResources), root],
    format: 'set',
    outDir: join(tmpdir(), 'trove-icon-set-unused'), // a folder of PNGs is used as it is: nothing is written
  });
  assert.equal(result.isFallback, false);
  assert.deepEqual(
    result.icons.map((i) => i.size),
    LINUX_SIZES,
  );
  for (const icon of result.icons) assert.equal(icon.file, join(root, 'build', 'icons', `${icon.size}x${icon.size}.png`));
});
