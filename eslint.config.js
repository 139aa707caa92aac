// @ts-check
/**
 * Lint keeps the process boundaries honest: only src/main and src/preload may import electron, code
 * that runs in the browser (src/shared, src/renderer) may not import Node built-ins, and Electron main
 * may not load the engine (it runs in its own process; main reaches it through src/core/host).
 *
 * Inside src/core the folders are layers, and an import may only go down (type imports too: an
 * interface lives below its implementations). Bottom to top:
 *
 *   0  process, text, words, vectors, sources   leaves: processes, decoding, keyword tokens, vector maths
 *                                                and files, folder rules; none imports another core folder
 *   1  embed, extract, store, watch              the model, reading documents, SQLite, watching folders
 *   2  chunk, corpus, eval, questions            passages; the one owner of the index (store + vectors);
 *                                                the figures; the question banks (their own SQLite)
 *   3  models                                    the model library and switching an index's model
 *   4  search, indexer                           a query's journey; files into the corpus
 *   5  service (and trove-service.ts, its contract)  the app's API over all of the above
 *   6  host, open-trove.ts                       what the app and the CLI open
 *
 * Loose files in src/core: file-types.ts, pipeline.ts and settings.ts sit at the bottom (any layer may
 * import them, they import no folder). A folder imports nothing of its own layer but itself, and core
 * imports nothing of the processes around it (main, preload, renderer, web, cli, worker). process and
 * host keep the stricter rule below (main loads them). When two layers need one helper, move it down
 * (words/ came out of search/ for the store's keyword index; the path errors went to src/shared).
 *
 * Only one file in src forks: core/process/node-child.ts, the helpers as Node child processes for the
 * CLI, the web host and the tests (src/cli's launcher script, not part of the app, spawns too). Code that
 * runs in the app — Electron main, the worker entries, core/host — may not import it either: the app's
 * engine asks Electron main for its helpers (core/process/parent-helpers.ts), and the installed app's
 * RunAsNode fuse (build/electron-builder.yml) would refuse a fork anyway.
 */
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const electronOnlyAtTheEdge = {
  name: 'electron',
  message: 'Only src/main and src/preload may import electron; put the logic in src/core and pass it in.',
};
const engineStaysOut = {
  message:
    "Electron main must not load the engine: it runs in the engine process (src/worker/engine-worker.ts). Call it through src/core/host's EngineClient; type-only imports are fine.",
  allowTypeImports: true,
};
/** child_process, in src: only core/process/node-child.ts (and the CLI's launcher) may import it. */
const forkOnlyInNodeChild =
  'Only src/core/process/node-child.ts may start a child process (the CLI, the web host and the tests start helpers there). Ask for a helper with launcherFor (core/process/helper-launchers.ts): in the app Electron main starts it as a utility process.';
const childProcess = ['child_process', 'node:child_process'].map((name) => ({ name, message: forkOnlyInNodeChild }));
// import('child_process') and require('child_process') fork just the same.
const childProcessSyntax = [
  { selector: 'ImportExpression[source.value=/^(node:)?child_process$/]', message: forkOnlyInNodeChild },
  { selector: "CallExpression[callee.name='require'][arguments.0.value=/^(node:)?child_process$/]", message: forkOnlyInNodeChild },
];
/** Code that runs in the app may not reach the Node child launcher, even to not call it. */
const noNodeChildren = {
  regex: '(^|/)node-child$',
  message:
    'Code that runs in the app does not fork: start a helper with launcherFor (core/process/helper-launchers.ts), which in the app asks Electron main for a utility process.',
};
/** Where child_process may be imported in src. */
const forkFree = ['src/core/process/node-child.ts', 'src/cli/**'];
/** Electron main starts utility processes only (./utility-fork.ts): not even the launcher that could fork. */
const mainStartsUtilityProcesses = {
  regex: '(^|/)(node-child|helper-launchers)$',
  message: 'Electron main starts processes only as utility processes (src/main/utility-fork.ts); the installed app cannot fork (RunAsNode fuse off).',
};

/** src/core's layers, bottom first (see the comment at the top). process and host have their own rule. */
const coreLayers = [['text', 'words', 'vectors', 'sources'], ['embed', 'extract', 'store', 'watch'], ['chunk', 'corpus', 'eval', 'questions'], ['models'], ['search', 'indexer'], ['service']];
const serviceLayer = coreLayers.findIndex((layer) => layer.includes('service'));

/** For each folder of core: the folders of its own layer and above, and the processes around core, may not be imported. */
function coreLayerRules() {
  return coreLayers.flatMap((layer, level) =>
    layer.map((folder) => {
      const above = [...coreLayers.slice(level).flat().filter((f) => f !== folder), 'host'];
      const files = ['open-trove', ...(level < serviceLayer ? ['trove-service'] : [])];
      const climb = `^\\.\\./(?:(?:${above.join('|')})/|(?:${files.join('|')})$|\\.\\./(?:main|preload|renderer|web|cli|worker)/)`;
      const message = `core/${folder} is layer ${level} of src/core (see eslint.config.js): it may import only the layers below it (${coreLayers.slice(0, level).flat().join(', ') || 'none'}, and process). Move what both sides need down a layer, or pass it in.`;
      return {
        files: [`src/core/${folder}/**`],
        rules: {
          '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex: climb, message }] }],
          // import('…') with a literal path climbs just the same (esquery's regex may hold no '/', hence \x2F).
          'no-restricted-syntax': ['error', { selector: `ImportExpression[source.value=/${climb.replaceAll('/', '\\x2F')}/]`, message }, ...childProcessSyntax],
        },
      };
    }),
  );
}

const nodeBuiltins = [...builtinModules.filter((m) => !m.startsWith('_')), ...builtinModules.map((m) => `node:${m}`)];

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'release/**', 'node_modules/**', 'test-results/**', '**/*.svelte'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      // Style, not safety: reported but not blocking (the boundary rules below are the ones that must hold).
      '@typescript-eslint/no-unused-expressions': 'warn',
      '@typescript-eslint/no-unused-vars': ['warn', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { paths: [electronOnlyAtTheEdge], patterns: [{ group: ['electron/*'], message: electronOnlyAtTheEdge.message }] }],
    },
  },
  {
    // No child_process in src (electron stays restricted too: a rule set here replaces the one above).
    files: ['src/**'],
    ignores: forkFree,
    rules: {
      'no-restricted-imports': ['error', { paths: [electronOnlyAtTheEdge, ...childProcess], patterns: [{ group: ['electron/*'], message: electronOnlyAtTheEdge.message }] }],
      'no-restricted-syntax': ['error', ...childProcessSyntax],
    },
  },
  {
    files: ['src/main/**', 'src/preload/**'],
    rules: { 'no-restricted-imports': ['error', { paths: childProcess }] },
  },
  {
    // Main may use the host side of the engine (core/host, and core/process that it runs on); anything
    // else of core would run the engine's work (SQLite, vector scans, chunking) on the window's event loop.
    files: ['src/main/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex: '^(\\.\\./)+(src/)?core/(?!host/|process/)', ...engineStaysOut }, mainStartsUtilityProcesses] }],
    },
  },
  {
    // The worker entries run in the app: the engine gets its helpers from launcherFor, the helpers start none.
    files: ['src/worker/**'],
    rules: { '@typescript-eslint/no-restricted-imports': ['error', { patterns: [noNodeChildren] }] },
  },
  // src/core's own layers: an import inside core may only go down.
  ...coreLayerRules(),
  {
    // Loose files at the bottom of core import no folder of it.
    files: ['src/core/file-types.ts', 'src/core/pipeline.ts', 'src/core/settings.ts'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex: '^\\./[a-z-]+/', message: 'file-types.ts, pipeline.ts and settings.ts are the bottom of src/core: they import no folder of it.' }] }],
    },
  },
  {
    // The host side is what main loads: it must not reach back into the engine either.
    files: ['src/core/host/**', 'src/core/process/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex: '^\\.\\./(?!host/|process/|\\.\\./shared/)', ...engineStaysOut }] }],
    },
  },
  {
    // ...and, loaded by main, it starts the engine as main says (launcherFor by default), never by fork itself.
    files: ['src/core/host/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex: '^\\.\\./(?!host/|process/|\\.\\./shared/)', ...engineStaysOut }, noNodeChildren] }],
    },
  },
  {
    files: ['src/shared/**', 'src/renderer/**'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          paths: [electronOnlyAtTheEdge, ...nodeBuiltins.map((name) => ({ name, message: 'src/shared and src/renderer run in the browser: no Node built-ins.' }))],
          patterns: [{ group: ['electron/*'], message: electronOnlyAtTheEdge.message }, { group: ['node:*'], message: 'src/shared and src/renderer run in the browser: no Node built-ins.' }],
        },
      ],
    },
  },
);
