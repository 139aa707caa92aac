// @ts-check
/**
 * Lint keeps the process boundaries honest: only src/main and src/preload may import electron, and
 * code that runs in the browser (src/shared, src/renderer) may not import Node built-ins.
 */
import { builtinModules } from 'node:module';
import tseslint from 'typescript-eslint';

const electronOnlyAtTheEdge = {
  name: 'electron',
  message: 'Only src/main and src/preload may import electron; put the logic in src/core and pass it in.',
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
