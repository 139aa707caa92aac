/**
 * Three builds: the Electron main process (plus the engine, which runs as an Electron utility process,
 * and the embedding and document-reading workers main starts for it as utility processes too; the CLI
 * and web host run the same entries as Node children: more main-process entries), the sandboxed
 * preload, and the Svelte UI.
 * `out/renderer` is also what the web host serves.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import { svelte } from '@sveltejs/vite-plugin-svelte';

// Native modules load .node files at run time from node_modules (asar-unpacked when packaged);
// bundling them would break their binding lookup.
const native = ['better-sqlite3', 'onnxruntime-node', 'usearch'];

export default defineConfig({
  main: {
    build: {
      externalizeDeps: { include: native },
      rolldownOptions: {
        input: {
          index: resolve('src/main/index.ts'),
          // Each runs as a utility process in the app (main starts the helpers when the engine asks, src/main/helper-broker.ts).
          'engine-worker': resolve('src/worker/engine-worker.ts'),
          'embed-worker': resolve('src/worker/embed-worker.ts'),
          // Documents are read in their own process (core/extract/isolated-extractor.ts looks for it next to index.js).
          'extract-worker': resolve('src/worker/extract-worker.ts'),
        },
        output: { entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      // A sandboxed preload can only require('electron'): bundle everything else (zod, shared).
      externalizeDeps: false,
      // A sandboxed preload is a classic script: it cannot be an ES module.
      rolldownOptions: {
        input: { index: resolve('src/preload/index.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    plugins: [svelte()],
    build: {
      rolldownOptions: { input: { index: resolve('src/renderer/index.html') } },
    },
  },
});
