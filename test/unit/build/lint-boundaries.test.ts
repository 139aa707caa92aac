/**
 * The lint rule that keeps Electron at the edge and Node out of the browser code: lint sample code as if
 * it lived in each folder, and lint the real tree.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ESLint } from 'eslint';

const root = join(import.meta.dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });

async function restricted(code: string, file: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

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
