// @ts-check
/**
 * Lint keeps the process boundaries honest: only src/main and src/preload may import electron, code
 * that runs in the browser (src/shared, src/renderer) may not import Node built-ins, and Electron main
 * may not load the engine (it runs in its own process; main reaches it through src/core/host).
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
    files: ['src/main/**', 'src/preload/**'],
    rules: { 'no-restricted-imports': 'off' },
  },
  {
    // Main may use the host side of the engine (core/host, and core/process that it runs on); anything
    // else of core would run the engine's work (SQLite, vector scans, chunking) on the window's event loop.
    files: ['src/main/**'],
    rules: {
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ regex: '^(\\.\\./)+(src/)?core/(?!host/|process/)', ...engineStaysOut }] }],
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
