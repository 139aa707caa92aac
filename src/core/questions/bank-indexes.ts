/**
 * The question banks' vectors in memory: one lookup index per bank (the shared VectorIndex), built
 * from questions.db on first use, and the model each bank's vectors come from — a bank made with
 * another model is re-embedded before use and swapped over whole, never mixed. Also how the banks
 * follow a change of model in the running engine (BankModelSwitch, driven by core/models/live-switch).
 */
import type { QuestionBank } from '../../shared/questions';
import type { Embedder } from '../embed/types';
import { VectorIndex } from '../vectors/vector-index';
import type { BankStore } from './bank-store';
import { VectorKernels } from './vector-kernels';

/** How the banks follow a change of model in the running engine (driven by core/models/live-switch). */
export interface BankModelSwitch {
  /** Give every question of every bank a vector of `next`'s model, kept beside the vectors in use; resumes after a kill. */
  embedMissing(next: Embedder, options?: { signal?: AbortSignal; onProgress?: (done: number, total: number, embedded: number) => void }): Promise<number>;
  /** Every question has a vector of `modelId` (synchronous: checked in the same step as the change-over). */
  ready(modelId: string): boolean;
  /** The shared embedder now runs `modelId`: swap every bank's vectors to it (synchronous, each bank one transaction). */
  changeOver(modelId: string): void;
  /** Each bank's model and size. */
  banks(): Array<{ bank: string; modelId: string; questions: number }>;
  /** Drop the kept vectors of a model (not the one any bank uses); returns how many. */
  dropModel(modelId: string): number;
}

export interface BankIndexes {
  /** The bank's lookup index, its vectors made with the engine's current model. */
  index(name: string): Promise<VectorIndex>;
  /** The bank, re-embedded first if its vectors come from another model. */
  ensureModel(bank: QuestionBank): Promise<QuestionBank>;
  /** The bank's index is out of date (rows merged, imported, deleted): built again on next use. */
  forget(bankId: number): void;
  /** An index already built (to add a row to it), if any. */
  built(bankId: number): VectorIndex | undefined;
  /** The matrix kernels for duplicates and clusters, at the current model's dimension. */
  kernels(): VectorKernels;
  modelSwitch: BankModelSwitch;
  close(): Promise<void>;
}

export function createBankIndexes(store: BankStore, embedder: Embedder, threads?: number): BankIndexes {
  let kernels = new VectorKernels(embedder.dimension, threads);
  // Lookups scan on one thread (VectorIndex's default): the ask's embedding runs beside them in the
  // embedding process, and on this shared 2-core machine a second scan thread made lookups slower.
  const indexes = new Map<number, VectorIndex>();

  /**
   * Questions of `bankId` without a vector of `model`'s id get one, in transactions of 512 kept beside
   * the vectors in use (a kill loses one batch); returns how many were embedded.
   */
  async function embedBank(bankId: number, model: Embedder, signal?: AbortSignal, onBatch?: (n: number) => void): Promise<number> {
    let embedded = 0;
    for (let after = 0; ; ) {
      const part = store.questionsWithoutVectors(bankId, model.modelId, after, 512);
      if (part.length === 0) return embedded;
      if (signal?.aborted) throw new Error('re-embedding the question banks was cancelled; what was done is kept');
      const vectors = await model.encode(part.map((q) => q.question), { role: 'query', signal });
      store.addModelVectors(model.modelId, part.map((q, k) => ({ id: q.id, vector: vectors[k] })));
      embedded += part.length;
      onBatch?.(part.length);
      after = part.at(-1)!.id;
    }
  }

  async function ensureModel(bank: QuestionBank): Promise<QuestionBank> {
    while (bank.modelId !== embedder.modelId) {
      await embedBank(bank.id, embedder);
      indexes.delete(bank.id);
      store.changeModel(bank.id, embedder.modelId);
      bank = store.getBank(bank.name);
    }
    return bank;
  }

  const modelSwitch: BankModelSwitch = {
    async embedMissing(next, opts = {}) {
      const banks = store.listBanks().filter((b) => b.modelId !== next.modelId);
      const total = banks.reduce((n, b) => n + b.size, 0);
      // Questions already embedded by an interrupted change (or kept from when the model was used before) count as done.
      let done = total - banks.reduce((n, b) => n + store.countWithoutVectors(b.id, next.modelId), 0);
      let embedded = 0;
      for (const bank of banks) {
        embedded += await embedBank(bank.id, next, opts.signal, (n) => opts.onProgress?.((done += n), total, embedded + n));
      }
      return embedded;
    },
    ready: (modelId) => store.listBanks().every((b) => b.modelId === modelId || store.questionsWithoutVectors(b.id, modelId, 0, 1).length === 0),
    banks: () => store.listBanks().map((b) => ({ bank: b.name, modelId: b.modelId, questions: b.size })),
    dropModel: (modelId) => store.dropModelVectors(modelId),
    changeOver(modelId) {
      for (const bank of store.listBanks()) store.changeModel(bank.id, modelId);
      indexes.clear();
      if (embedder.dimension !== kernels.dimension) {
        void kernels.close();
        kernels = new VectorKernels(embedder.dimension, threads);
      }
    },
  };

  return {
    async index(name) {
      const bank = await ensureModel(store.getBank(name));
      let idx = indexes.get(bank.id);
      if (!idx) {
        const { ids, matrix } = store.loadVectors(bank.id, embedder.dimension);
        idx = new VectorIndex(embedder.dimension, { capacity: ids.length });
        for (let i = 0; i < ids.length; i++) idx.add(ids[i], matrix.subarray(i * embedder.dimension, (i + 1) * embedder.dimension));
        indexes.set(bank.id, idx);
      }
      return idx;
    },
    ensureModel,
    forget: (bankId) => void indexes.delete(bankId),
    built: (bankId) => indexes.get(bankId),
    kernels: () => kernels,
    modelSwitch,
    close: () => kernels.close(),
  };
}
