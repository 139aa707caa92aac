import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { migrate, migrations, type Migration } from '../../../../src/core/store/migrations';
import { openDatabase } from '../../../../src/core/store/open-database';

const dir = mkdtempSync(join(tmpdir(), 'trove-migrations-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const file = () => join(dir, `db-${n++}.sqlite`);

describe('store migrations', () => {
  test('a new database is migrated to the newest version, in WAL mode', () => {
    const db = openDatabase(file());
    assert.equal(db.pragma('user_version', { simple: true }), migrations.at(-1)!.version);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    const tables = (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]).map((t) => t.name);
    for (const t of ['folders', 'files', 'chunks', 'vectors', 'embedding_sets']) assert.ok(tables.includes(t), `no table ${t}`);
    db.close();
  });

  test('migration 1: files keep path, size, mtime, hash, state and error; deleting a file deletes its chunks and vectors', () => {
    const db = openDatabase(file());
    db.prepare("INSERT INTO folders (path, added_at) VALUES ('/f', 0)").run();
    db.prepare("INSERT INTO embedding_sets (model_id, dimension, pipeline_version) VALUES ('m', 2, 1)").run();
    db.prepare(
      "INSERT INTO files (folder_id, path, size, mtime_ms, content_hash, state, error, embedding_set_id, updated_at) VALUES (1, '/f/a.txt', 3, 1.5, 'h', 'indexed', NULL, 1, 0)",
    ).run();
    db.prepare("INSERT INTO chunks (file_id, seq, start, end, location, text) VALUES (1, 0, 0, 3, 'line 1', 'abc')").run();
    db.prepare('INSERT INTO vectors (chunk_id, embedding_set_id, vector) VALUES (1, 1, ?)').run(Buffer.from(new Float32Array([1, 0]).buffer));
    assert.throws(() => db.prepare("UPDATE files SET state = 'weird'").run(), /CHECK/);
    db.prepare('DELETE FROM files').run();
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM chunks').get() as { n: number }).n, 0);
    assert.equal((db.prepare('SELECT COUNT(*) AS n FROM vectors').get() as { n: number }).n, 0);
    db.close();
  });

  test('reopening does not re-run migrations', () => {
    const f = file();
    openDatabase(f).close();
    const db = new Database(f);
    assert.deepEqual(migrate(db), []);
    db.close();
  });

  test('a failing migration leaves the database at the previous version with nothing half-applied', () => {
    const db = new Database(file());
    const broken: Migration = {
      version: migrations.length + 1,
      name: 'broken',
      up(d) {
        d.exec('CREATE TABLE half_done (x)');
        throw new Error('boom');
      },
    };
    assert.throws(() => migrate(db, [...migrations, broken]), /boom/);
    assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
    assert.equal(db.prepare("SELECT name FROM sqlite_master WHERE name = 'half_done'").get(), undefined);
    db.close();
  });

  test('a database from a newer Trove is refused with a clear message', () => {
    const f = file();
    const db = new Database(f);
    db.pragma('user_version = 999');
    db.close();
    assert.throws(() => openDatabase(f), /newer than this Trove/);
  });
});
