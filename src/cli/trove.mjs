#!/usr/bin/env node
/**
 * `npx trove …` (package.json "bin"). The package ships no build of the CLI, so this registers tsx
 * and runs main.ts in this very process — Ctrl+C and SIGTERM reach the command itself, as under
 * `npm run trove`, with no child to forward them to and no npm banner on stdout. First, as `npm run
 * trove` does, better-sqlite3 is made to load in this Node (after `npm start` it is built for
 * Electron); that script's lines go to stderr, so stdout stays the command's output.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { register as registerCjs } from 'tsx/cjs/api';
import { register as registerEsm } from 'tsx/esm/api';

const native = spawnSync(process.execPath, [fileURLToPath(new URL('../../scripts/native.mjs', import.meta.url)), 'node', '--quiet'], { stdio: ['ignore', 2, 2] });
if (native.status !== 0) process.exit(native.status ?? 1);

registerEsm();
registerCjs();
await import('./main.ts');
