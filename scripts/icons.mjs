#!/usr/bin/env node
/**
 * `npm run icons`: renders the one icon source, build/icon.svg, to the PNGs the installers use.
 *
 *   build/icon.png              1024×1024 — macOS and Windows (electron-builder makes the .icns and
 *                               .ico from it while packaging; it wants at least 512 px for macOS)
 *   build/icons/<n>x<n>.png     16 … 512 — the Linux icon set (AppImage and deb), one file per size,
 *                               named as electron-builder expects
 *
 * The PNGs are committed (they are build inputs, like the SVG): run this after editing the SVG and
 * commit both. Each size is rendered from the vector, not scaled down from the large PNG, so the small
 * ones stay sharp. The rasteriser is @resvg/resvg-js (resvg, with prebuilt binaries for every desktop
 * platform: no Cairo, ImageMagick or Inkscape to install).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Resvg } from '@resvg/resvg-js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const build = join(root, 'build');
const LINUX_SIZES = [16, 32, 48, 64, 128, 256, 512];
const MAIN_SIZE = 1024;

const svg = readFileSync(join(build, 'icon.svg'));

function render(size, path) {
  const png = new Resvg(svg, { fitTo: { mode: 'width', value: size }, background: 'rgba(0,0,0,0)' }).render();
  if (png.width !== size || png.height !== size) throw new Error(`icon.svg rendered at ${png.width}×${png.height}, not ${size}×${size}: is it square?`);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, png.asPng());
  console.log(`${relative(root, path)}  ${size}×${size}`);
}

render(MAIN_SIZE, join(build, 'icon.png'));
for (const size of LINUX_SIZES) render(size, join(build, 'icons', `${size}x${size}.png`));
