import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { DEFAULT_SETTINGS } from '../../../../src/core/settings';
import { FolderRules } from '../../../../src/core/sources/folder-rules';
import { walkFolder } from '../../../../src/core/sources/walk-folder';

const root = mkdtempSync(join(tmpdir(), 'trove-rules-'));
after(() => rmSync(root, { recursive: true, force: true }));

function put(rel: string, text = 'x') {
  mkdirSync(join(root, rel, '..'), { recursive: true });
  writeFileSync(join(root, rel), text);
}

describe('folder rules and walking', () => {
  put('notes/a.md');
  put('notes/b.txt');
  put('notes/photo.jpg');
  put('.hidden/secret.txt');
  put('.env.txt');
  put('node_modules/pkg/readme.md');
  put('build/out.txt');
  put('drafts/skip.txt');
  put('logs/app.log');
  put('.gitignore', 'drafts/\n*.log\n');
  symlinkSync(root, join(root, 'notes', 'loop'));
  symlinkSync(join(root, 'self'), join(root, 'self'));

  test('defaults, .gitignore, user patterns and file types decide what is indexed', async () => {
    const rules = new FolderRules(root, { ...DEFAULT_SETTINGS, ignorePatterns: ['b.txt'] });
    const { files } = await walkFolder(root, rules);
    assert.deepEqual(files.map((f) => f.path.slice(root.length + 1)).sort(), ['notes/a.md']);
  });

  test('symbolic link loops are reported, not followed forever', async () => {
    const rules = new FolderRules(root, DEFAULT_SETTINGS);
    const { files, problems } = await walkFolder(root, rules);
    assert.ok(files.length >= 2 && files.length < 10);
    const reasons = new Map(problems.map((p) => [p.path.slice(root.length + 1), p.reason]));
    assert.match(reasons.get('notes/loop') ?? '', /symbolic link loop/);
    assert.match(reasons.get('self') ?? '', /symbolic link loop/);
  });
});
