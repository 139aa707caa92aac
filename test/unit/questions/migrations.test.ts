import assert from 'node:assert/strict';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { BankStore, openQuestionsDb } from '../../../src/core/questions/bank-store';
import { migrate, migrations, type Migration } from '../../../src/core/questions/migrations';
import { vectorToBlob } from '../../../src/core/vectors/blob';

const dir = mkdtempSync(join(tmpdir(), 'trove-qmig-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const tables = (db: Database.Database) =>
  (db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((r) => r.name);

describe('questions.db migrations', () => {
  test('a new file is created at the newest version, in WAL mode', () => {
    const db = openQuestionsDb(join(dir, 'new'));
    assert.equal(db.pragma('user_version', { simple: true }), migrations.at(-1)!.version);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    assert.deepEqual(tables(db), ['banks', 'merged_pairs', 'pair_reviews', 'question_vectors', 'questions']);
    db.close();
  });

  test('1: banks and questions; names are unique regardless of case; ids unique per bank', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    assert.deepEqual(migrate(db, migrations.slice(0, 1)), [1]);
    assert.equal(db.pragma('user_version', { simple: true }), 1);
    db.prepare("INSERT INTO banks (name, model_id, created_at, updated_at) VALUES ('FAQ', 'm', 0, 0)").run();
    assert.throws(() => db.prepare("INSERT INTO banks (name, model_id, created_at, updated_at) VALUES ('faq', 'm', 0, 0)").run(), /UNIQUE/);
    const ins = db.prepare("INSERT INTO questions (bank_id, external_id, question, content_hash, question_hash, vector) VALUES (1, ?, 'q', 'h', 'h', x'00')");
    ins.run('7');
    ins.run(null);
    ins.run(null);
    assert.throws(() => ins.run('7'), /UNIQUE/);
    db.close();
  });

  test('2: pair reviews on a version-1 file with data; data kept; a review goes with its question', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations.slice(0, 1));
    db.prepare("INSERT INTO banks (name, model_id, created_at, updated_at) VALUES ('b', 'm', 0, 0)").run();
    const ins = db.prepare("INSERT INTO questions (bank_id, question, content_hash, question_hash, vector) VALUES (1, ?, 'h', 'h', x'00')");
    ins.run('a');
    ins.run('b');
    assert.deepEqual(migrate(db, migrations.slice(0, 2)), [2]);
    assert.equal((db.prepare('SELECT count(*) AS n FROM questions').get() as { n: number }).n, 2);
    const store = new BankStore(db);
    store.setReview(1, 2, 1, 'keep');
    assert.deepEqual([...store.reviews(1)], [['1:2', 'keep']]);
    assert.throws(() => db.prepare("INSERT INTO pair_reviews VALUES (1, 2, 1, 'keep', 0)").run(), /CHECK/);
    db.prepare('DELETE FROM questions WHERE id = 2').run();
    assert.equal(store.reviews(1).size, 0);
    db.close();
  });

  test('3: a merge on a version-2 file keeps both texts and their score after the question is gone', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations.slice(0, 2));
    db.prepare("INSERT INTO banks (name, model_id, created_at, updated_at) VALUES ('b', 'm', 0, 0)").run();
    const ins = db.prepare("INSERT INTO questions (bank_id, question, content_hash, question_hash, vector) VALUES (1, ?, 'h', 'h', ?)");
    ins.run('How do I reset my password?', vectorToBlob(Float32Array.of(0.6, 0.8)));
    ins.run('I forgot my password', vectorToBlob(Float32Array.of(0.8, 0.6)));
    assert.deepEqual(migrate(db, migrations.slice(0, 3)), [3]);
    const store = new BankStore(db);
    store.setReview(1, 1, 2, 'keep');
    store.merge(1, 1, 2);
    assert.equal((db.prepare('SELECT count(*) AS n FROM questions').get() as { n: number }).n, 1);
    const [merged] = store.mergedPairs(1);
    assert.deepEqual({ ...merged, score: Number(merged.score.toFixed(4)) }, { kept: 'How do I reset my password?', merged: 'I forgot my password', score: 0.96 });
    assert.deepEqual(store.separatePairs(1), [], 'the review went with the merged question');
    store.deleteBank('b');
    assert.deepEqual(store.mergedPairs(1), [], 'a deleted bank takes its merges along');
    db.close();
  });

  test('4: a version-3 bank keeps its vectors; another model\'s are swapped in whole, kept for switching back, and dropped when a question changes', () => {
    const db = new Database(':memory:');
    db.pragma('foreign_keys = ON');
    migrate(db, migrations.slice(0, 3));
    db.prepare("INSERT INTO banks (name, model_id, created_at, updated_at) VALUES ('b', 'old', 0, 0)").run();
    const ins = db.prepare("INSERT INTO questions (bank_id, question, content_hash, question_hash, vector) VALUES (1, ?, 'h', 'h', ?)");
    ins.run('How do I reset my password?', vectorToBlob(Float32Array.of(0.6, 0.8)));
    ins.run('Where is my invoice?', vectorToBlob(Float32Array.of(0.8, 0.6)));
    assert.deepEqual(migrate(db), [4]);
    const store = new BankStore(db);
    const vectors = () => [...store.loadVectors(1, db.prepare('SELECT length(vector) / 4 FROM questions LIMIT 1').pluck().get() as number).matrix].map((x) => +x.toFixed(2));
    assert.deepEqual(vectors(), [0.6, 0.8, 0.8, 0.6], 'the old vectors are kept');

    // Half of the new model's vectors (a kill after the first batch): nothing changes over.
    store.addModelVectors('new', [{ id: 1, vector: Float32Array.of(1, 0, 0) }]);
    assert.equal(store.changeModel(1, 'new'), false);
    assert.equal(store.getBank('b').modelId, 'old');
    assert.deepEqual(vectors(), [0.6, 0.8, 0.8, 0.6]);
    assert.deepEqual(store.questionsWithoutVectors(1, 'new', 0, 10).map((q) => q.id), [2], 'only the missing one is left to embed');
    store.addModelVectors('new', [{ id: 2, vector: Float32Array.of(0, 1, 0) }]);
    assert.equal(store.changeModel(1, 'new'), true);
    assert.equal(store.getBank('b').modelId, 'new');
    assert.deepEqual(vectors(), [1, 0, 0, 0, 1, 0]);
    // Switching back needs nothing embedded: the old vectors were kept.
    assert.deepEqual(store.questionsWithoutVectors(1, 'old', 0, 10), []);
    assert.equal(store.changeModel(1, 'old'), true);
    assert.deepEqual(vectors(), [0.6, 0.8, 0.8, 0.6]);
    // A question whose text changes loses its other-model vectors (made from the old text).
    db.prepare("UPDATE questions SET question = 'How do I change my password?' WHERE id = 1").run();
    assert.deepEqual(store.questionsWithoutVectors(1, 'new', 0, 10).map((q) => q.id), [1]);
    db.close();
  });

  test('a failing migration leaves the previous version and schema', () => {
    const db = new Database(':memory:');
    const broken: Migration = {
      version: migrations.at(-1)!.version + 1,
      name: 'broken',
      up(d) {
        d.exec('CREATE TABLE half_done (x)');
        throw new Error('boom');
      },
    };
    assert.throws(() => migrate(db, [...migrations, broken]), /boom/);
    assert.equal(db.pragma('user_version', { simple: true }), migrations.at(-1)!.version);
    assert.ok(!tables(db).includes('half_done'));
    db.close();
  });

  test('a file from a newer Trove is refused', () => {
    const db = new Database(':memory:');
    db.pragma('user_version = 99');
    assert.throws(() => migrate(db), /version 99, newer than this Trove/);
    db.close();
  });
});
