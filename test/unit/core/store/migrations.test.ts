import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { migrate, migrations, type Migration } from '../../../../src/core/store/migrations';
import { IndexStore } from '../../../../src/core/store/index-store';
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

  test('migration 2 fills the keyword index from the stored passages of a version-1 index: no re-extraction, no re-embedding', () => {
    const f = file();
    const v1 = new Database(f);
    migrate(v1, migrations.slice(0, 1));
    v1.prepare("INSERT INTO folders (path, added_at) VALUES ('/f', 0)").run();
    v1.prepare("INSERT INTO embedding_sets (model_id, dimension, pipeline_version) VALUES ('m', 2, 1)").run();
    const addFile = v1.prepare("INSERT INTO files (folder_id, path, size, mtime_ms, content_hash, state, embedding_set_id, updated_at) VALUES (1, ?, 3, 1, 'h', 'indexed', 1, 0)");
    const addChunk = v1.prepare('INSERT INTO chunks (file_id, seq, start, end, text) VALUES (?, 0, 0, 9, ?)');
    addChunk.run(addFile.run('/f/merge-notes.txt').lastInsertRowid, 'Use git merge --no-ff to keep the branch');
    addChunk.run(addFile.run('/f/隐私.txt').lastInsertRowid, '为了保护隐私，搜索在本地完成');
    v1.prepare('INSERT INTO vectors (chunk_id, embedding_set_id, vector) SELECT id, 1, ? FROM chunks').run(Buffer.from(new Float32Array([1, 0]).buffer));
    v1.close();

    const store = new IndexStore(f);
    assert.equal(store.db.pragma('user_version', { simple: true }), migrations.at(-1)!.version);
    const find = (match: string) => store.words.passages(match, 10, null).map((h) => store.passages.byIds([h.chunkId]).get(h.chunkId)!.text);
    assert.deepEqual(find('"no ff"'), ['Use git merge --no-ff to keep the branch']);
    assert.deepEqual(find('"隐 私"'), ['为了保护隐私，搜索在本地完成'], 'a two-character Chinese word');
    assert.equal(store.words.filesNamed('name : "merge notes"', 5).length, 1, 'file names are searchable');
    // Deleting a file takes its words with it (trigger through the cascade).
    store.writes.deleteFile('/f/merge-notes.txt');
    assert.deepEqual(find('"no ff"'), []);
    assert.equal(store.words.filesNamed('name : "merge"', 5).length, 0);
    store.close();
  });

  test('migration 3 ranks by stems, filled from the stored passages of a version-2 index; exact words stay exact', () => {
    const f = file();
    const v2 = new Database(f);
    migrate(v2, migrations.slice(0, 2));
    v2.prepare("INSERT INTO folders (path, added_at) VALUES ('/f', 0)").run();
    v2.prepare("INSERT INTO embedding_sets (model_id, dimension, pipeline_version) VALUES ('m', 2, 1)").run();
    const fileId = v2.prepare("INSERT INTO files (folder_id, path, size, mtime_ms, content_hash, state, embedding_set_id, updated_at) VALUES (1, '/f/a.txt', 3, 1, 'h', 'indexed', 1, 0)").run().lastInsertRowid;
    const text = 'The mutation regulated expression of the gene.';
    const chunkId = v2.prepare('INSERT INTO chunks (file_id, seq, start, end, text) VALUES (?, 0, 0, 9, ?)').run(fileId, text).lastInsertRowid;
    v2.prepare('INSERT INTO chunk_words (rowid, text) VALUES (?, ?)').run(chunkId, text); // as a version-2 Trove wrote it
    v2.close();

    const store = new IndexStore(f);
    const found = (match: string) => store.words.passages(match, 10, null).length;
    assert.equal(found('"mutations" OR "regulates"'), 1, 'inflected forms find the passage by their stems');
    assert.equal(store.words.passagesWithStem('"mutations"'), 1);
    assert.equal(store.words.filesContaining('"mutations"').size, 0, 'a required word or phrase must occur as typed');
    assert.equal(store.words.filesContaining('"mutation"').size, 1);
    store.writes.deleteFile('/f/a.txt');
    assert.equal(found('"mutation"'), 0, 'deleting the file deletes its stems');
    store.close();
  });

  test('migration 4 keeps a version-3 index\'s vectors and lets a passage hold one vector per model; deleting the file deletes them all', () => {
    const f = file();
    const v3 = new Database(f);
    migrate(v3, migrations.slice(0, 3));
    v3.prepare("INSERT INTO folders (path, added_at) VALUES ('/f', 0)").run();
    v3.prepare("INSERT INTO embedding_sets (model_id, dimension, pipeline_version) VALUES ('old', 2, 1)").run();
    v3.prepare("INSERT INTO files (folder_id, path, size, mtime_ms, content_hash, state, embedding_set_id, updated_at) VALUES (1, '/f/a.txt', 3, 1, 'h', 'indexed', 1, 0)").run();
    v3.prepare("INSERT INTO chunks (file_id, seq, start, end, text) VALUES (1, 0, 0, 3, 'abc')").run();
    v3.prepare('INSERT INTO vectors (chunk_id, embedding_set_id, vector) VALUES (1, 1, ?)').run(Buffer.from(new Float32Array([1, 0]).buffer));
    // Before: one vector per passage, a second model's vector for it is refused.
    v3.prepare("INSERT INTO embedding_sets (model_id, dimension, pipeline_version) VALUES ('new', 3, 1)").run();
    assert.throws(() => v3.prepare('INSERT INTO vectors (chunk_id, embedding_set_id, vector) VALUES (1, 2, ?)').run(Buffer.alloc(12)), /UNIQUE|PRIMARY/);
    v3.close();

    const store = new IndexStore(f);
    assert.equal(store.db.pragma('user_version', { simple: true }), migrations.at(-1)!.version);
    const setId = store.sets.embeddingSet('old', 2, 1);
    assert.deepEqual([...store.sets.vectors(setId)].map((v) => [v.chunkId, [...new Float32Array(new Uint8Array(v.vector).buffer)]]), [[1, [1, 0]]], 'the stored vector survived');
    const other = store.sets.embeddingSet('new', 3, 1);
    assert.equal(store.sets.add(other, [{ chunkId: 1, vector: new Float32Array([0, 1, 0]) }]), 1, 'a second model\'s vector beside the first');
    assert.deepEqual(
      store.vectorSets().map((s) => [s.modelId, s.vectors, s.complete, s.files, s.bytes]),
      [
        ['old', 1, true, 1, 8],
        ['new', 1, true, 0, 12],
      ],
    );
    assert.equal(store.sets.use(other), 1, 'a complete set takes the files over');
    store.writes.deleteFile('/f/a.txt');
    assert.equal(store.db.prepare('SELECT COUNT(*) FROM vectors').pluck().get(), 0, 'both models\' vectors went with the file');
    // Rescoring reads one model's vector of a passage by its key, never scanning the other models' rows.
    const plan = store.db.prepare('EXPLAIN QUERY PLAN SELECT vector FROM vectors WHERE chunk_id = ? AND embedding_set_id = ?').all(1, 1) as { detail: string }[];
    assert.match(plan.map((p) => p.detail).join(' '), /USING INDEX sqlite_autoindex_vectors_1 \(chunk_id=\? AND embedding_set_id=\?\)/);
    store.close();
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
