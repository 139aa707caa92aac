/**
 * The question-bank service: banks in questions.db, an in-memory lookup index per bank, duplicates
 * and clusters with sentence-transformers' semantics. Plain async functions over plain data (the
 * QuestionService contract in src/shared/questions.ts), so the app can put them behind IPC.
 *
 * Split by concern: bank-indexes.ts (vectors in memory and the model they come from), bank-import.ts
 * (importing and syncing files), bank-review.ts (duplicates, clusters, training pairs); here the banks
 * themselves, lookups and single questions.
 */
import { createHash } from 'node:crypto';
import { DEFAULT_SAME_THRESHOLD, type AskOptions, type ExportFormat, type QuestionMatch, type QuestionService } from '../../shared/questions';
import type { Embedder } from '../embed/types';
import type { IsolatedExtractor } from '../extract/isolated-extractor';
import type { VectorIndex } from '../vectors/vector-index';
import { type BankModelSwitch, createBankIndexes } from './bank-indexes';
import { createBankImport } from './bank-import';
import { createBankReview } from './bank-review';
import { BankStore, openQuestionsDb, QuestionsError } from './bank-store';
import { exportFormatOf, writeRecords } from './export-bank';

export interface QuestionServiceOptions {
  /** Folder holding questions.db. */
  dataDir: string;
  /** The embedding engine (in-process or its own process); the caller closes it. */
  embedder: Embedder;
  /** Threads for the vector maths (default: all cores). */
  threads?: number;
  /**
   * The process that reads import files (default: one of its own, 1 GB and 120 s per part of 1,000
   * rows). Its own, not the document reader's: an import holds its reader for minutes while the
   * rows are embedded, and document indexing must not wait for that.
   */
  reader?: IsolatedExtractor;
}

const sha = (s: string) => createHash('sha256').update(s).digest('base64');

export function createQuestionService(
  options: QuestionServiceOptions,
): QuestionService & { index(bank: string): Promise<VectorIndex>; modelSwitch: BankModelSwitch } {
  const { embedder } = options;
  const store = new BankStore(openQuestionsDb(options.dataDir));
  const banks = createBankIndexes(store, embedder, options.threads);
  const imports = createBankImport(store, embedder, banks, options.reader ?? null);

  return {
    index: banks.index,
    modelSwitch: banks.modelSwitch,
    importFile: imports.importFile,
    sync: imports.sync,
    ...createBankReview(store, embedder, banks),

    async listBanks() {
      return store.listBanks();
    },

    async renameBank(from, to) {
      return store.renameBank(from, to);
    },

    async deleteBank(name) {
      const bank = store.getBank(name);
      banks.forget(bank.id);
      store.deleteBank(name);
    },

    async exportBank(name, file, format?: ExportFormat) {
      const bank = store.getBank(name);
      const rows = (function* () {
        for (const q of store.iterateQuestions(bank.id)) yield { id: q.externalId ?? String(q.id), question: q.question, answer: q.answer };
      })();
      return writeRecords(file, exportFormatOf(file, format), ['id', 'question', 'answer'], rows);
    },

    async ask(name, text, opts: AskOptions = {}): Promise<QuestionMatch[]> {
      const k = opts.k ?? 5;
      const same = opts.sameThreshold ?? DEFAULT_SAME_THRESHOLD;
      let idx: VectorIndex;
      let vector: Float32Array;
      // A change of model may finish while the question is embedded: then look it up again with the new one.
      do {
        idx = await banks.index(name);
        [vector] = await embedder.encode([text], { priority: 'high', role: 'query' });
      } while (vector.length !== idx.dimension || store.getBank(name).modelId !== embedder.modelId);
      const hits = idx.search(vector, k);
      const rows = store.questions(hits.map((h) => h.id));
      return hits.map((h) => {
        const q = rows.get(h.id)!;
        return { ...q, score: h.score, kind: h.score >= same ? 'same' : 'related' };
      });
    },

    async addQuestion(name, text, answer = null, externalId = null) {
      const q = text.trim();
      if (!q) throw new QuestionsError('the question is empty');
      const bank = await banks.ensureModel(store.getBank(name));
      const [vector] = await embedder.encode([q], { priority: 'high', role: 'query' });
      let id: number;
      try {
        [id] = store.writeBatch(bank.id, {
          insert: [{ externalId, question: q, answer, vector, questionHash: sha(q), contentHash: sha(`${q}\u0000${answer ?? ''}\u0000${externalId ?? ''}`) }],
          update: [],
          remove: [],
        });
      } catch (err) {
        if (/UNIQUE/.test(String(err))) throw new QuestionsError(`bank "${name}" already has a question with id "${externalId}"`);
        throw err;
      }
      banks.built(bank.id)?.add(id, vector);
      return { id, externalId, question: q, answer };
    },

    async close() {
      await imports.close();
      await banks.close();
      store.close();
    },
  };
}
