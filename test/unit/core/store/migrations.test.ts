import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { migrate, migrations, type Migration } from '../../../../src/core/store/migrations';
import { IndexStore } from '../../../../src/core/store/index-store';
import { openDatabase } from '../../../../src/core/store/open-database';
import { keywordQuery } from '../../../../src/core/search/keyword-query';
import { parseQuery } from '../../../../src/core/search/query-syntax';
import { rankingPhrase } from '../../../../src/core/words/words';

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
    // Ranking phrases are stems since migration 6 (rankingPhrase), whichever stemmer made them.
    const found = (match: string) => store.words.passages(match, 10, null).length;
    assert.equal(found(`${rankingPhrase('mutations')} OR ${rankingPhrase('regulates')}`), 1, 'inflected forms find the passage by their stems');
    assert.equal(store.words.filesWithStem(rankingPhrase('mutations')!), 1);
    assert.equal(store.words.filesContaining('"mutations"').size, 0, 'a required word or phrase must occur as typed');
    assert.equal(store.words.filesContaining('"mutation"').size, 1);
    store.writes.deleteFile('/f/a.txt');
    assert.equal(found(rankingPhrase('mutation')!), 0, 'deleting the file deletes its stems');
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
      store.counts.vectorSets().map((s) => [s.modelId, s.vectors, s.complete, s.files, s.bytes]),
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

  test('migration 5 stamps each embedding set of a version-4 index: every change to what loads for a set moves its stamp, and only its own', () => {
    const f = file();
    const v4 = new Database(f);
    migrate(v4, migrations.slice(0, 4));
    v4.prepare("INSERT INTO folders (path, added_at) VALUES ('/f', 0)").run();
    v4.prepare("INSERT INTO embedding_sets (model_id, dimension, pipeline_version) VALUES ('a', 2, 1), ('b', 2, 1)").run();
    const addFile = v4.prepare("INSERT INTO files (folder_id, path, size, mtime_ms, content_hash, state, error, embedding_set_id, updated_at) VALUES (1, ?, 3, 1, 'h', ?, ?, ?, 0)");
    addFile.run('/f/a.txt', 'indexed', null, 1);
    addFile.run('/f/b.txt', 'indexed', null, 2);
    addFile.run('/f/broken.pdf', 'failed', 'unreadable', null);
    v4.prepare("INSERT INTO chunks (file_id, seq, start, end, text) VALUES (1, 0, 0, 3, 'one'), (1, 1, 3, 6, 'two'), (2, 0, 0, 3, 'three')").run();
    const vector = (x: number) => Buffer.from(new Float32Array([x, 1 - x]).buffer);
    const addV4 = v4.prepare('INSERT INTO vectors (chunk_id, embedding_set_id, vector) VALUES (?, ?, ?)');
    addV4.run(1, 1, vector(1));
    addV4.run(2, 1, vector(0));
    addV4.run(3, 2, vector(1));
    addV4.run(1, 2, vector(0)); // a passage of a.txt already embedded by the second model too
    v4.close();

    const store = new IndexStore(f);
    const { db } = store;
    assert.equal(db.pragma('user_version', { simple: true }), migrations.at(-1)!.version);
    // The rows a version-4 index held are untouched, and each set starts at change 0.
    assert.equal(db.prepare('SELECT COUNT(*) FROM vectors').pluck().get(), 4);
    assert.deepEqual(db.prepare('SELECT * FROM index_changes').all(), []);
    const addVector = db.prepare('INSERT INTO vectors (chunk_id, embedding_set_id, vector) VALUES (?, ?, ?)');
    const stamps = () => [store.sets.stamp(1), store.sets.stamp(2)];
    assert.deepEqual(stamps(), ['set 1 change 0', 'set 2 change 0']);
    const moved = (change: () => void) => {
      const before = stamps();
      change();
      return stamps().map((s, i) => s !== before[i]);
    };

    assert.deepEqual(moved(() => addVector.run(3, 1, vector(0.5))), [true, false], 'a vector added to set 1');
    assert.deepEqual(moved(() => db.prepare('DELETE FROM vectors WHERE chunk_id = 3 AND embedding_set_id = 1').run()), [true, false], 'a vector of set 1 deleted');
    assert.deepEqual(moved(() => db.prepare('UPDATE vectors SET vector = ? WHERE chunk_id = 3').run(vector(0.25))), [false, true], 'a vector of set 2 rewritten');
    assert.deepEqual(moved(() => db.prepare('UPDATE vectors SET embedding_set_id = 1 WHERE chunk_id = 3').run()), [true, true], 'a vector moved from set 2 to set 1');
    assert.deepEqual(moved(() => db.prepare("UPDATE files SET state = 'failed', error = 'gone' WHERE id = 2").run()), [false, true], 'a file of set 2 failed: it leaves the set');
    assert.deepEqual(moved(() => db.prepare('UPDATE files SET embedding_set_id = 2 WHERE id = 1').run()), [true, true], 'a file moved from set 1 to set 2');
    assert.deepEqual(moved(() => db.prepare('UPDATE files SET mtime_ms = 2, size = 4, updated_at = 1').run()), [false, false], 'a touched file that stays in its set');
    assert.deepEqual(moved(() => db.prepare("DELETE FROM files WHERE path = '/f/broken.pdf'").run()), [false, false], 'a file in no set deleted');
    assert.equal(db.prepare('SELECT COUNT(*) FROM index_changes WHERE embedding_set_id IS NULL').pluck().get(), 0, 'no counter for "no set"');
    assert.deepEqual(moved(() => db.prepare("DELETE FROM files WHERE path = '/f/a.txt'").run()), [true, true], 'a file of set 2 deleted: its vectors of both sets go with it');

    // The counter moves in the writing transaction: a write that rolls back (or a process killed before
    // its commit) leaves the stamp where it was, so a saved vector file stays valid exactly as long as
    // the database is unchanged.
    assert.deepEqual(
      moved(() => {
        assert.throws(() =>
          db.transaction(() => {
            addVector.run(3, 2, vector(1));
            throw new Error('killed');
          })(),
        );
      }),
      [false, false],
    );

    // Each bump finds its set's counter by key: every write pays a lookup, never a scan of the counters.
    const plan = db.prepare('EXPLAIN QUERY PLAN UPDATE index_changes SET version = version + 1 WHERE embedding_set_id = ?').all(1) as { detail: string }[];
    assert.match(plan.map((p) => p.detail).join(' '), /SEARCH index_changes USING INTEGER PRIMARY KEY \(rowid=\?\)/);
    store.close();
  });

  test('migration 6 ranks a version-5 index by Snowball stems and by whole files, rebuilt from its stored passages: nothing re-embedded', () => {
    const f = file();
    const v5 = new Database(f);
    migrate(v5, migrations.slice(0, 5));
    v5.prepare("INSERT INTO folders (path, added_at) VALUES ('/f', 0)").run();
    v5.prepare("INSERT INTO embedding_sets (model_id, dimension, pipeline_version) VALUES ('m', 2, 1)").run();
    const addFile = v5.prepare("INSERT INTO files (folder_id, path, size, mtime_ms, content_hash, state, embedding_set_id, updated_at) VALUES (1, ?, 3, 1, 'h', 'indexed', 1, 0)");
    const addChunk = v5.prepare('INSERT INTO chunks (file_id, seq, start, end, text) VALUES (?, ?, ?, ?, ?)');
    const addWords = v5.prepare('INSERT INTO chunk_words (rowid, text) VALUES (?, ?)');
    const addStems = v5.prepare('INSERT INTO chunk_stems (rowid, text) VALUES (?, ?)');
    const store5 = (fileId: number | bigint, seq: number, start: number, text: string) => {
      const id = addChunk.run(fileId, seq, start, start + text.length, text).lastInsertRowid;
      addWords.run(id, text); // as a version-5 Trove wrote them (English text: indexText changes nothing)
      addStems.run(id, text);
    };
    // An abstract cut in two overlapping passages: "bone" stands in one, "fractures" in the other.
    const abstract = 'Low bone mass was found in older women. Patients were followed. Fewer fractures were seen in the treated group.';
    const second = abstract.indexOf('Patients');
    const a = addFile.run('/f/abstract.txt').lastInsertRowid;
    store5(a, 0, 0, abstract.slice(0, abstract.indexOf(' Fewer')));
    store5(a, 1, second, abstract.slice(second));
    // A short file holding one of the two words, and others holding neither or "bone" only.
    store5(addFile.run('/f/wrist.txt').lastInsertRowid, 0, 0, 'Wrist fractures are common in cold winters on icy roads.');
    const others = ['Bone marrow cells were counted in every sample taken from the patients.', 'The weather was cold.', 'Sleep was measured at home.', 'Children were asked about school.', 'Blood pressure fell.'];
    others.forEach((text, i) => store5(addFile.run(`/f/other-${i}.txt`).lastInsertRowid, 0, 0, text));
    v5.prepare('INSERT INTO vectors (chunk_id, embedding_set_id, vector) SELECT id, 1, ? FROM chunks').run(Buffer.from(new Float32Array([0.6, 0.8]).buffer));
    const vectorsBefore = v5.prepare('SELECT chunk_id, vector FROM vectors ORDER BY chunk_id').all();
    v5.close();

    const store = new IndexStore(f);
    assert.equal(store.db.pragma('user_version', { simple: true }), 6);
    assert.deepEqual(store.db.prepare('SELECT chunk_id, vector FROM vectors ORDER BY chunk_id').all(), vectorsBefore, 'every vector kept as it was: nothing re-embedded');
    const path = (fileId: number) => store.files.byIds([fileId]).get(fileId)!.path;
    const corpus = { size: 8, keywords: store.words, counts: () => ({ files: 7, chunks: 8, problems: 0 }) };
    const query = keywordQuery(parseQuery('bone and fractures'), corpus);
    assert.equal(query.match, '"bone" OR "fractur"', 'stop words left out, Snowball stems asked');
    const byPassage = store.db.prepare('SELECT c.file_id FROM chunk_stems s JOIN chunks c ON c.id = s.rowid WHERE chunk_stems MATCH ? ORDER BY s.rank').pluck().all(query.match) as number[];
    assert.equal(path(byPassage[0]), '/f/wrist.txt', 'by its best passage alone, the abstract holds one word and loses to the short file');
    const hits = store.words.passages(query.match!, 10, null);
    assert.equal(path(hits[0].fileId), '/f/abstract.txt', 'by its whole text, which holds both words, the abstract ranks first');
    assert.equal(hits.filter((h) => path(h.fileId) === '/f/abstract.txt').length, 2, 'both of its passages carry the file\'s score');
    assert.equal(store.words.filesContaining('"fractures"').size, 2, 'the exact words (chunk_words) are untouched');

    // New files are written to both ranking tables; deleting a file deletes its rows there.
    store.writes.writeIndexedFile({ folderId: 1, path: '/f/new.txt', size: 1, mtimeMs: 1, contentHash: 'n' }, 1, [
      { start: 0, end: 20, location: null, text: 'Osteoporotic spines.', vector: new Float32Array([1, 0]) },
    ]);
    assert.equal(store.words.filesWithStem(rankingPhrase('spine')!), 1, 'a file indexed after the migration is ranked by its whole text too');
    store.writes.deleteFile('/f/abstract.txt');
    assert.equal(store.words.filesWithStem('"low"'), 0);
    assert.deepEqual(store.words.passages('"low"', 10, null), []);
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
