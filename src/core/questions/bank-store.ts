/**
 * questions.db: banks, their questions with vectors, and duplicate reviews. Synchronous
 * better-sqlite3 calls; writers batch rows into one transaction each so a crash loses at most a batch.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BankQuestion, PairDecision, QuestionBank } from '../../shared/questions';
import { migrate } from './migrations';
import { openSqlite } from '../store/sqlite';
import { blobToVector, vectorToBlob } from '../vectors/blob';
import { dot } from '../embed/similarity';

export const DB_FILE = 'questions.db';

/** A user-facing problem with a request (unknown bank, name taken...): the message says what to do. */
export class QuestionsError extends Error {
  override name = 'QuestionsError';
}

interface BankRow {
  id: number;
  name: string;
  source_file: string | null;
  source_options: string | null;
  model_id: string;
  created_at: number;
  updated_at: number;
  size: number;
}

/** What the importer needs to know about a stored question to decide whether to embed it again. */
export interface StoredKey {
  id: number;
  questionHash: string;
  contentHash: string;
}

export interface NewQuestion {
  externalId: string | null;
  question: string;
  answer: string | null;
  contentHash: string;
  questionHash: string;
  vector: Float32Array;
}

export function openQuestionsDb(dataDir: string): Database.Database {
  return openSqlite(join(dataDir, DB_FILE), migrate);
}

/** A bank in a word: its name, the model its vectors come from, and how many questions it holds. */
export interface BankSummary {
  bank: string;
  modelId: string;
  questions: number;
}

/** Each bank of the data folder in a word, by name; read only (`status` never creates or migrates questions.db). */
export function bankSummaries(dataDir: string): BankSummary[] {
  const file = join(dataDir, DB_FILE);
  if (!existsSync(file)) return [];
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db
      .prepare('SELECT b.name AS bank, b.model_id AS modelId, (SELECT COUNT(*) FROM questions q WHERE q.bank_id = b.id) AS questions FROM banks b ORDER BY b.name')
      .all() as BankSummary[];
  } finally {
    db.close();
  }
}

export class BankStore {
  constructor(readonly db: Database.Database) {}

  private toBank(r: BankRow): QuestionBank {
    return {
      id: r.id,
      name: r.name,
      sourceFile: r.source_file,
      modelId: r.model_id,
      size: r.size,
      createdAt: r.created_at,
      updatedAt: r.updated_at,
    };
  }

  private static readonly bankSelect = `SELECT b.*, (SELECT count(*) FROM questions q WHERE q.bank_id = b.id) AS size FROM banks b`;

  listBanks(): QuestionBank[] {
    return (this.db.prepare(`${BankStore.bankSelect} ORDER BY b.name`).all() as BankRow[]).map((r) => this.toBank(r));
  }

  findBank(name: string): QuestionBank | null {
    const r = this.db.prepare(`${BankStore.bankSelect} WHERE b.name = ?`).get(name) as BankRow | undefined;
    return r ? this.toBank(r) : null;
  }

  getBank(name: string): QuestionBank {
    const b = this.findBank(name);
    if (!b) {
      const names = this.listBanks().map((x) => `"${x.name}"`);
      throw new QuestionsError(`no question bank named "${name}" (banks: ${names.length ? names.join(', ') : 'none yet; import a file first'})`);
    }
    return b;
  }

  sourceOptions(bankId: number): string | null {
    return (this.db.prepare('SELECT source_options FROM banks WHERE id = ?').get(bankId) as { source_options: string | null } | undefined)?.source_options ?? null;
  }

  createBank(name: string, modelId: string): QuestionBank {
    if (!name.trim()) throw new QuestionsError('a bank needs a name');
    const now = Date.now();
    this.db.prepare('INSERT INTO banks (name, model_id, created_at, updated_at) VALUES (?, ?, ?, ?)').run(name, modelId, now, now);
    return this.getBank(name);
  }

  setSource(bankId: number, file: string, options: string): void {
    this.db.prepare('UPDATE banks SET source_file = ?, source_options = ?, updated_at = ? WHERE id = ?').run(file, options, Date.now(), bankId);
  }

  touch(bankId: number): void {
    this.db.prepare('UPDATE banks SET updated_at = ? WHERE id = ?').run(Date.now(), bankId);
  }

  renameBank(from: string, to: string): QuestionBank {
    const bank = this.getBank(from);
    if (!to.trim()) throw new QuestionsError('a bank needs a name');
    const other = this.findBank(to);
    if (other && other.id !== bank.id) throw new QuestionsError(`a bank named "${to}" already exists`);
    this.db.prepare('UPDATE banks SET name = ?, updated_at = ? WHERE id = ?').run(to, Date.now(), bank.id);
    return this.getBank(to);
  }

  deleteBank(name: string): void {
    const bank = this.getBank(name);
    this.db.prepare('DELETE FROM banks WHERE id = ?').run(bank.id);
  }

  /** Import bookkeeping: key (external id, else question text) → stored hashes. */
  keys(bankId: number): Map<string, StoredKey> {
    const out = new Map<string, StoredKey>();
    const rows = this.db
      .prepare('SELECT id, external_id, question, question_hash, content_hash FROM questions WHERE bank_id = ?')
      .iterate(bankId) as Iterable<{ id: number; external_id: string | null; question: string; question_hash: string; content_hash: string }>;
    for (const r of rows) out.set(rowKey(r.external_id, r.question), { id: r.id, questionHash: r.question_hash, contentHash: r.content_hash });
    return out;
  }

  /** Write one batch of changes in a single transaction; returns the new rows' ids in order. */
  writeBatch(
    bankId: number,
    batch: { insert: NewQuestion[]; update: Array<{ id: number } & Partial<NewQuestion> & { contentHash: string }>; remove: number[] },
  ): number[] {
    const ins = this.db.prepare(
      'INSERT INTO questions (bank_id, external_id, question, answer, content_hash, question_hash, vector) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    const updText = this.db.prepare('UPDATE questions SET question = ?, answer = ?, external_id = ?, content_hash = ?, question_hash = ?, vector = ? WHERE id = ?');
    const updAnswer = this.db.prepare('UPDATE questions SET answer = ?, content_hash = ? WHERE id = ?');
    const del = this.db.prepare('DELETE FROM questions WHERE id = ?');
    const ids: number[] = [];
    this.db.transaction(() => {
      for (const q of batch.insert) {
        ids.push(Number(ins.run(bankId, q.externalId, q.question, q.answer, q.contentHash, q.questionHash, vectorToBlob(q.vector)).lastInsertRowid));
      }
      for (const u of batch.update) {
        if (u.vector) updText.run(u.question, u.answer ?? null, u.externalId ?? null, u.contentHash, u.questionHash, vectorToBlob(u.vector), u.id);
        else updAnswer.run(u.answer ?? null, u.contentHash, u.id);
      }
      for (const id of batch.remove) del.run(id);
      this.db.prepare('UPDATE banks SET updated_at = ? WHERE id = ?').run(Date.now(), bankId);
    })();
    return ids;
  }

  /** All vectors of a bank, in row-id order, as one contiguous matrix. */
  loadVectors(bankId: number, dimension: number): { ids: Int32Array; matrix: Float32Array } {
    const n = (this.db.prepare('SELECT count(*) AS n FROM questions WHERE bank_id = ?').get(bankId) as { n: number }).n;
    const ids = new Int32Array(n);
    const matrix = new Float32Array(n * dimension);
    const bytes = new Uint8Array(matrix.buffer);
    let i = 0;
    const rows = this.db.prepare('SELECT id, vector FROM questions WHERE bank_id = ? ORDER BY id').raw().iterate(bankId) as Iterable<[number, Buffer]>;
    for (const [id, vector] of rows) {
      if (i >= n) break;
      if (vector.byteLength !== dimension * 4) throw new Error(`question ${id}: stored vector has ${vector.byteLength / 4} dimensions, expected ${dimension}`);
      ids[i] = id;
      bytes.set(vector, i * dimension * 4);
      i++;
    }
    return { ids: ids.subarray(0, i), matrix: matrix.subarray(0, i * dimension) };
  }

  questions(ids: ArrayLike<number>): Map<number, BankQuestion> {
    const stmt = this.db.prepare('SELECT id, external_id, question, answer FROM questions WHERE id = ?');
    const out = new Map<number, BankQuestion>();
    for (let i = 0; i < ids.length; i++) {
      const r = stmt.get(ids[i]) as { id: number; external_id: string | null; question: string; answer: string | null } | undefined;
      if (r) out.set(r.id, { id: r.id, externalId: r.external_id, question: r.question, answer: r.answer });
    }
    return out;
  }

  countInBank(bankId: number, ids: number[]): number {
    const stmt = this.db.prepare('SELECT 1 FROM questions WHERE id = ? AND bank_id = ?');
    return ids.filter((id) => stmt.get(id, bankId) !== undefined).length;
  }

  /** Every question of a bank in row-id order (for export and re-embedding), without vectors. */
  *iterateQuestions(bankId: number): Generator<BankQuestion> {
    const rows = this.db.prepare('SELECT id, external_id, question, answer FROM questions WHERE bank_id = ? ORDER BY id').iterate(bankId) as Iterable<{
      id: number;
      external_id: string | null;
      question: string;
      answer: string | null;
    }>;
    for (const r of rows) yield { id: r.id, externalId: r.external_id, question: r.question, answer: r.answer };
  }

  /** Questions of a bank without a vector of `modelId` (its own model's vectors count), by id after `afterId`. */
  questionsWithoutVectors(bankId: number, modelId: string, afterId: number, limit: number): Array<{ id: number; question: string }> {
    return this.db
      .prepare(
        `SELECT q.id, q.question FROM questions q JOIN banks b ON b.id = q.bank_id
         WHERE q.bank_id = ? AND b.model_id <> ? AND q.id > ?
           AND NOT EXISTS (SELECT 1 FROM question_vectors v WHERE v.question_id = q.id AND v.model_id = ?)
         ORDER BY q.id LIMIT ?`,
      )
      .all(bankId, modelId, afterId, modelId, limit) as Array<{ id: number; question: string }>;
  }

  /** How many questions of a bank lack a vector of `modelId` (0 when it is the bank's model). */
  countWithoutVectors(bankId: number, modelId: string): number {
    return this.db
      .prepare(
        `SELECT COUNT(*) FROM questions q JOIN banks b ON b.id = q.bank_id
         WHERE q.bank_id = ? AND b.model_id <> ? AND NOT EXISTS (SELECT 1 FROM question_vectors v WHERE v.question_id = q.id AND v.model_id = ?)`,
      )
      .pluck()
      .get(bankId, modelId, modelId) as number;
  }

  /** Store vectors of another model for these questions, one transaction; questions deleted meanwhile are skipped. */
  addModelVectors(modelId: string, rows: Array<{ id: number; vector: Float32Array }>): void {
    const ins = this.db.prepare(
      'INSERT OR REPLACE INTO question_vectors (question_id, model_id, vector) SELECT ?, ?, ? WHERE EXISTS (SELECT 1 FROM questions WHERE id = ?)',
    );
    this.db.transaction(() => {
      for (const r of rows) ins.run(r.id, modelId, vectorToBlob(r.vector), r.id);
    })();
  }

  /**
   * Make `modelId` the bank's model when every question has a vector of it: one transaction swaps them
   * in and keeps the previous model's vectors for switching back. Returns false (nothing changed) when
   * some question still lacks one.
   */
  changeModel(bankId: number, modelId: string): boolean {
    return this.db.transaction(() => {
      const bank = this.db.prepare('SELECT model_id FROM banks WHERE id = ?').pluck().get(bankId) as string | undefined;
      if (bank === undefined || bank === modelId) return true;
      if (this.questionsWithoutVectors(bankId, modelId, 0, 1).length > 0) return false;
      this.db
        .prepare('INSERT OR REPLACE INTO question_vectors (question_id, model_id, vector) SELECT id, ?, vector FROM questions WHERE bank_id = ?')
        .run(bank, bankId);
      this.db
        .prepare('UPDATE questions SET vector = (SELECT v.vector FROM question_vectors v WHERE v.question_id = questions.id AND v.model_id = ?) WHERE bank_id = ?')
        .run(modelId, bankId);
      this.db.prepare('DELETE FROM question_vectors WHERE model_id = ? AND question_id IN (SELECT id FROM questions WHERE bank_id = ?)').run(modelId, bankId);
      this.db.prepare('UPDATE banks SET model_id = ?, updated_at = ? WHERE id = ?').run(modelId, Date.now(), bankId);
      return true;
    })();
  }

  /** Drop the kept vectors of a model no longer wanted (removed or pruned). */
  dropModelVectors(modelId: string): number {
    return this.db.prepare('DELETE FROM question_vectors WHERE model_id = ?').run(modelId).changes;
  }

  setReview(bankId: number, a: number, b: number, decision: PairDecision | null): void {
    const [lo, hi] = a < b ? [a, b] : [b, a];
    if (decision === null) this.db.prepare('DELETE FROM pair_reviews WHERE a_id = ? AND b_id = ?').run(lo, hi);
    else
      this.db
        .prepare(
          'INSERT INTO pair_reviews (bank_id, a_id, b_id, decision, decided_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT (a_id, b_id) DO UPDATE SET decision = excluded.decision, decided_at = excluded.decided_at',
        )
        .run(bankId, lo, hi, decision, Date.now());
  }

  reviews(bankId: number): Map<string, PairDecision> {
    const out = new Map<string, PairDecision>();
    for (const r of this.db.prepare('SELECT a_id, b_id, decision FROM pair_reviews WHERE bank_id = ?').all(bankId) as Array<{ a_id: number; b_id: number; decision: PairDecision }>) {
      out.set(`${r.a_id}:${r.b_id}`, r.decision);
    }
    return out;
  }

  /**
   * Merge b into a: a keeps its text, takes b's answer if it has none; b is removed. Both texts and
   * their similarity are kept in merged_pairs, in the same transaction, as training data.
   */
  merge(bankId: number, keepId: number, dropId: number): void {
    this.db.transaction(() => {
      const rows = this.questions([keepId, dropId]);
      const keep = rows.get(keepId);
      const drop = rows.get(dropId);
      if (!keep || !drop) throw new QuestionsError(`question ${keep ? dropId : keepId} is not in the bank`);
      const vector = this.db.prepare('SELECT vector FROM questions WHERE id = ?').pluck();
      // Scored as the Duplicates list scores pairs: the dot product of the stored vectors (cosine when normalised).
      const score = dot(blobToVector(vector.get(keepId) as Buffer), blobToVector(vector.get(dropId) as Buffer));
      this.db
        .prepare('INSERT INTO merged_pairs (bank_id, kept_question, merged_question, score, merged_at) VALUES (?, ?, ?, ?, ?)')
        .run(bankId, keep.question, drop.question, score, Date.now());
      if (!keep.answer && drop.answer) this.db.prepare('UPDATE questions SET answer = ? WHERE id = ? AND bank_id = ?').run(drop.answer, keepId, bankId);
      this.db.prepare('DELETE FROM questions WHERE id = ? AND bank_id = ?').run(dropId, bankId);
      this.touch(bankId);
    })();
  }

  /** Every merge of a bank, oldest first: the kept and the removed question's texts and their similarity then. */
  mergedPairs(bankId: number): Array<{ kept: string; merged: string; score: number }> {
    return this.db
      .prepare('SELECT kept_question AS kept, merged_question AS merged, score FROM merged_pairs WHERE bank_id = ? ORDER BY id')
      .all(bankId) as Array<{ kept: string; merged: string; score: number }>;
  }

  /** Pairs reviewed as "keep both" or "dismiss", with the questions' current texts, oldest decision first. */
  separatePairs(bankId: number): Array<{ a: string; b: string; decision: 'keep' | 'dismiss' }> {
    return this.db
      .prepare(
        `SELECT qa.question AS a, qb.question AS b, r.decision FROM pair_reviews r
         JOIN questions qa ON qa.id = r.a_id JOIN questions qb ON qb.id = r.b_id
         WHERE r.bank_id = ? AND r.decision IN ('keep', 'dismiss') ORDER BY r.decided_at, r.a_id, r.b_id`,
      )
      .all(bankId) as Array<{ a: string; b: string; decision: 'keep' | 'dismiss' }>;
  }

  close(): void {
    this.db.close();
  }
}

/** How rows are matched across imports: by the id column when there is one, else by question text. */
export function rowKey(externalId: string | null, question: string): string {
  return externalId !== null ? `id:${externalId}` : `q:${question}`;
}
