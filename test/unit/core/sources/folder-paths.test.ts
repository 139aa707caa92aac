/** Overlap of indexed folders on every platform's roots: "/", drive letters and UNC shares. */
import assert from 'node:assert/strict';
import path from 'node:path';
import { test } from 'node:test';
import { isRoot, isWithin, overlapping } from '../../../../src/core/sources/folder-paths';

test('POSIX: the root contains every folder, and a sibling with a longer name is not inside', () => {
  assert.ok(isRoot('/', path.posix));
  assert.ok(!isRoot('/home', path.posix));
  assert.ok(isWithin('/home/ann/notes', '/', path.posix));
  assert.ok(isWithin('/', '/', path.posix));
  assert.ok(isWithin('/srv/docs/a', '/srv/docs', path.posix));
  assert.ok(!isWithin('/srv/docs2', '/srv/docs', path.posix));
  assert.equal(overlapping('/', ['/srv/docs'], path.posix), '/srv/docs');
  assert.equal(overlapping('/srv/docs', ['/'], path.posix), '/');
  assert.equal(overlapping('/srv/other', ['/srv/docs'], path.posix), undefined);
});

test('Windows: drive roots and UNC share roots contain their folders, other drives and shares do not', () => {
  const w = path.win32;
  assert.ok(isRoot('C:\\', w));
  assert.ok(isRoot('\\\\server\\share\\', w));
  assert.ok(isRoot('\\\\server\\share', w));
  assert.ok(!isRoot('C:\\Users', w));
  assert.ok(isWithin('C:\\Users\\ann', 'C:\\', w));
  assert.ok(!isWithin('D:\\Users', 'C:\\', w));
  assert.ok(isWithin('\\\\server\\share\\docs', '\\\\server\\share\\', w));
  assert.ok(isWithin('\\\\server\\share\\docs', '\\\\server\\share', w));
  assert.ok(!isWithin('\\\\server\\share2\\docs', '\\\\server\\share', w));
  assert.equal(overlapping('C:\\', ['C:\\Users\\ann\\notes'], w), 'C:\\Users\\ann\\notes');
  assert.equal(overlapping('\\\\server\\share\\', ['\\\\server\\share\\docs'], w), '\\\\server\\share\\docs');
});
