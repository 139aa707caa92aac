/**
 * The lint rules that keep Electron at the edge, Node out of the browser code, the engine out of
 * Electron main and the layers of src/core in order: lint sample code as if it lived in each folder,
 * and lint the real tree.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const root = join(import.meta.dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });

async function restricted(code: string, file: string, rule = 'no-restricted-imports'): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result.messages.filter((m) => m.ruleId === rule).map((m) => m.message);
}

const engineRule = '@typescript-eslint/no-restricted-imports';

test('electron may be imported only in src/main and src/preload', async () => {
  const code = "import { app } from 'electron';\nexport const a = app;\n";
  assert.deepEqual(await restricted(code, 'src/main/x.ts'), []);
  assert.deepEqual(await restricted(code, 'src/preload/x.ts'), []);
  for (const file of ['src/core/x.ts', 'src/worker/x.ts', 'src/web/x.ts', 'src/cli/x.ts', 'src/shared/x.ts', 'src/renderer/x.ts', 'test/x.test.ts']) {
    const messages = await restricted(code, file);
    assert.equal(messages.length, 1, file);
    assert.match(messages[0], /Only src\/main and src\/preload may import electron/);
  }
});

test('src/shared and src/renderer may not import Node built-ins', async () => {
  for (const code of ["import { readFileSync } from 'node:fs';\nexport const r = readFileSync;\n", "import path from 'path';\nexport const p = path;\n"]) {
    assert.ok((await restricted(code, 'src/shared/x.ts')).length > 0);
    assert.ok((await restricted(code, 'src/renderer/lib/x.ts')).length > 0);
    assert.deepEqual(await restricted(code, 'src/core/x.ts'), []);
  }
});

test('the source tree has no electron import outside src/main and src/preload', async () => {
  const results = await eslint.lintFiles(['src']);
  const broken = results.flatMap((r) => r.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => `${r.filePath}:${m.line} ${m.message}`));
  assert.deepEqual(broken, []);
});

test('Electron main may not import the engine, only its host side and types', async () => {
  for (const engine of ['../core/open-trove', '../core/store/index-store', '../core/search/search', '../core/questions/question-service', '../../src/core/corpus/corpus']) {
    const messages = await restricted(`import { x } from '${engine}';\nexport const y = x;\n`, 'src/main/x.ts', engineRule);
    assert.equal(messages.length, 1, engine);
    assert.match(messages[0], /Electron main must not load the engine/);
  }
  for (const allowed of [
    "import { startEngine } from '../core/host/engine-client';\nexport const y = startEngine;\n",
    "import type { ProcessLauncher } from '../core/process/process-handle';\nexport type L = ProcessLauncher<1, 2>;\n",
    "import type { TroveAppService } from '../core/open-trove';\nexport type S = TroveAppService;\n",
    "import { apiMethods } from '../shared/api';\nexport const m = apiMethods;\n",
  ]) {
    assert.deepEqual(await restricted(allowed, 'src/main/x.ts', engineRule), [], allowed);
  }
  // Elsewhere the engine is fair game: the CLI and the engine process open it.
  assert.deepEqual(await restricted("import { openTrove } from '../core/open-trove';\nexport const o = openTrove;\n", 'src/worker/x.ts', engineRule), []);
});

test('the host side that main loads may not import the engine either', async () => {
  const messages = await restricted("import { IndexStore } from '../store/index-store';\nexport const s = IndexStore;\n", 'src/core/host/x.ts', engineRule);
  assert.equal(messages.length, 1);
  const fine = "import { Supervisor } from '../process/supervisor';\nimport { apiMethods } from '../../shared/api';\nexport const s = [Supervisor, apiMethods];\n";
  assert.deepEqual(await restricted(fine, 'src/core/host/x.ts', engineRule), []);
});

test('the source tree keeps the engine out of Electron main', async () => {
  const results = await eslint.lintFiles(['src/main', 'src/core/host', 'src/core/process']);
  const broken = results.flatMap((r) => r.messages.filter((m) => m.ruleId === engineRule).map((m) => `${r.filePath}:${m.line} ${m.message}`));
  assert.deepEqual(broken, []);
});

test('inside src/core an import may only go down the layers', async () => {
  // What was there before the rule: the store's keyword index took its tokens from search, search threw
  // the service's path errors, the reading process took its row types from the question banks.
  for (const [file, climb] of [
    ['src/core/store/word-index.ts', '../search/words'],
    ['src/core/search/similar-files.ts', '../service/path-errors'],
    ['src/core/extract/extract-worker.ts', '../questions/source-rows'],
    ['src/core/vectors/x.ts', '../store/vector-sets'],
    ['src/core/corpus/x.ts', '../indexer/indexer'],
    ['src/core/indexer/x.ts', '../search/search'],
    ['src/core/search/x.ts', '../trove-service'],
    ['src/core/service/x.ts', '../open-trove'],
    ['src/core/embed/x.ts', '../../worker/embed-worker'],
  ]) {
    for (const kind of ['import { x }', 'import type { x }', 'export { x }']) {
      const messages = await restricted(`${kind} from '${climb}';\nexport const y = 1;\n`, file, engineRule);
      assert.equal(messages.length, 1, `${file} ${kind} ${climb}`);
      assert.match(messages[0], /may import only the layers below it/);
    }
  }
  for (const [file, down] of [
    ['src/core/store/x.ts', '../words/words'],
    ['src/core/store/x.ts', '../vectors/vector-file'],
    ['src/core/search/x.ts', '../corpus/corpus'],
    ['src/core/search/x.ts', '../models/catalogue'],
    ['src/core/service/x.ts', '../trove-service'],
    ['src/core/service/x.ts', '../search/search'],
    ['src/core/extract/x.ts', '../process/supervisor'],
    ['src/core/extract/x.ts', '../file-types'],
    ['src/core/questions/x.ts', '../../shared/questions'],
    ['src/core/indexer/x.ts', './progress-meter'],
  ]) {
    assert.deepEqual(await restricted(`import { x } from '${down}';\nexport const y = x;\n`, file, engineRule), [], `${file} ${down}`);
  }
  // The loose files at the bottom import no folder.
  assert.equal((await restricted("import { x } from './store/rows';\nexport const y = x;\n", 'src/core/settings.ts', engineRule)).length, 1);
});

test('a dynamic import() with a literal path climbs just the same', async () => {
  // What was there before the rule: the reading process loaded the question banks' file readers lazily.
  for (const [file, climb] of [
    ['src/core/extract/x.ts', '../questions/open-source'],
    ['src/core/store/x.ts', '../search/words'],
    ['src/core/models/x.ts', '../open-trove'],
  ]) {
    const messages = await restricted(`export const load = () => import('${climb}');\n`, file, 'no-restricted-syntax');
    assert.equal(messages.length, 1, `${file} import('${climb}')`);
    assert.match(messages[0], /may import only the layers below it/);
  }
  for (const [file, down] of [
    ['src/core/extract/x.ts', './document-extractors'],
    ['src/core/models/x.ts', '../embed/embedder-process'],
  ]) {
    assert.deepEqual(await restricted(`export const load = () => import('${down}');\n`, file, 'no-restricted-syntax'), [], `${file} ${down}`);
  }
});

test('the source tree has no climbing import inside src/core', async () => {
  const results = await eslint.lintFiles(['src/core']);
  const broken = results.flatMap((r) => r.messages.filter((m) => m.ruleId === engineRule || m.ruleId === 'no-restricted-syntax').map((m) => `${r.filePath}:${m.line} ${m.message}`));
  assert.deepEqual(broken, []);
});

test('only core/process/node-child.ts may import child_process in src (and the CLI launcher); not main, workers, host or core', async () => {
  const imports = [
    "import { fork } from 'node:child_process';\nexport const f = fork;\n",
    "import cp from 'child_process';\nexport const f = cp;\n",
    "export const f = () => import('node:child_process');\n",
    "export const f = () => require('child_process');\n",
  ];
  const ruleOf = (code: string) => (/import\(|require\(/.test(code) ? 'no-restricted-syntax' : 'no-restricted-imports');
  for (const file of ['src/main/x.ts', 'src/preload/x.ts', 'src/worker/engine-worker.ts', 'src/worker/x.ts', 'src/core/host/x.ts', 'src/core/process/x.ts', 'src/core/embed/x.ts', 'src/core/x.ts', 'src/web/x.ts', 'src/shared/x.ts']) {
    for (const code of imports) {
      const messages = await restricted(code, file, ruleOf(code));
      assert.ok(messages.length >= 1, `${file}: ${code}`);
      assert.ok(messages.some((m) => /Only src\/core\/process\/node-child\.ts may start a child process|no Node built-ins/.test(m)), `${file}: ${messages}`);
    }
  }
  for (const file of ['src/core/process/node-child.ts', 'src/cli/x.ts', 'test/x.test.ts', 'scripts/x.mjs']) {
    for (const code of imports) assert.deepEqual(await restricted(code, file, ruleOf(code)), [], `${file}: ${code}`);
  }
  // electron stays at the edge in the files that may fork.
  assert.equal((await restricted("import { app } from 'electron';\nexport const a = app;\n", 'src/core/process/node-child.ts')).length, 1);
});

test('code that runs in the app may not reach the Node child launcher; main not even launcherFor', async () => {
  for (const [file, from] of [
    ['src/main/x.ts', '../core/process/node-child'],
    ['src/main/x.ts', '../core/process/helper-launchers'],
    ['src/worker/x.ts', '../core/process/node-child'],
    ['src/core/host/x.ts', '../process/node-child'],
  ]) {
    const messages = await restricted(`import { x } from '${from}';\nexport const y = x;\n`, file, engineRule);
    assert.equal(messages.length, 1, `${file} ${from}`);
    assert.match(messages[0], /does not fork|only as utility processes/);
  }
  for (const [file, from] of [
    ['src/worker/x.ts', '../core/process/helper-launchers'],
    ['src/core/host/x.ts', '../process/helper-launchers'],
    ['src/core/process/x.ts', './node-child'],
    ['src/main/x.ts', '../core/process/parent-helpers'],
  ]) {
    assert.deepEqual(await restricted(`import { x } from '${from}';\nexport const y = x;\n`, file, engineRule), [], `${file} ${from}`);
  }
});

test('the source tree forks only in core/process/node-child.ts (and the CLI launcher)', async () => {
  const results = await eslint.lintFiles(['src']);
  const forks = results.flatMap((r) =>
    r.messages.filter((m) => /child process|does not fork|only as utility processes/.test(m.message)).map((m) => `${r.filePath}:${m.line} ${m.message}`),
  );
  assert.deepEqual(forks, []);
});
