/**
 * The question-bank service: banks in questions.db, an in-memory lookup index per bank, duplicates
 * and clusters with sentence-transformers' semantics. Plain async functions over plain data (the
 * QuestionService contract in src/shared/questions.ts), so the app can put them behind IPC.
 */
import { createHash } from 'node:crypto';
import { basename, resolve } from 'node:path';
import {
  DEFAULT_SAME_THRESHOLD,
  type AskOptions,
  type BankQuestion,
  type ClustersOptions,
  type DuplicatePair,
  type DuplicatesOptions,
  type ExportFormat,
  type ImportOptions,
  type ImportProgress,
  type ImportReport,
  type PairDecision,
  type QuestionBank,
  type QuestionCluster,
  type QuestionGroups,
  UNCLUSTERED_LISTED,
  type QuestionMatch,
  type QuestionService,
  type TrainingPair,
  type TrainingPairsOptions,
} from '../../shared/questions';
import type { Embedder } from '../embed/types';
import { BankStore, openQuestionsDb, QuestionsError } from './bank-store';
import { communityDetection } from './community-detection';
import { exportFormatOf, writeRecords } from './export-bank';
import { importRows, type ImportCountsSoFar } from './importer';
import { ExtractionRefused } from '../extract/types';
import { IsolatedExtractor } from '../extract/isolated-extractor';
import { formatOf } from './import-format';
import type { OpenedSource } from './source-rows';
import { paraphraseMiningAbove } from './paraphrase-mining';
import { buildTrainingPairs } from './training-pairs';
import { VectorIndex } from '../vectors/vector-index';
import { VectorKernels } from './vector-kernels';

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

/** Progress events at most this often (and one at the end). */
const PROGRESS_EVERY_MS = 500;

const sha = (s: string) => createHash('sha256').update(s).digest('base64');

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

export function createQuestionService(
  options: QuestionServiceOptions,
): QuestionService & { index(bank: string): Promise<VectorIndex>; modelSwitch: BankModelSwitch } {
  const { embedder } = options;
  const store = new BankStore(openQuestionsDb(options.dataDir));
  let kernels = new VectorKernels(embedder.dimension, options.threads);
  // Lookups scan on one thread (VectorIndex's default): the ask's embedding runs beside them in the
  // embedding process, and on this shared 2-core machine a second scan thread made lookups slower.
  const indexes = new Map<number, VectorIndex>();
  let reader = options.reader ?? null;
  const importReader = () => (reader ??= new IsolatedExtractor({ fileTypes: [], memoryMb: 1024, timeoutMs: 120_000 }));

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

  /** A bank made with another model is re-embedded before use, then swapped over whole: never mixed. */
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
        kernels = new VectorKernels(embedder.dimension, options.threads);
      }
    },
  };

  async function index(name: string): Promise<VectorIndex> {
    const bank = await ensureModel(store.getBank(name));
    let idx = indexes.get(bank.id);
    if (!idx) {
      const { ids, matrix } = store.loadVectors(bank.id, embedder.dimension);
      idx = new VectorIndex(embedder.dimension, { capacity: ids.length });
      for (let i = 0; i < ids.length; i++) idx.add(ids[i], matrix.subarray(i * embedder.dimension, (i + 1) * embedder.dimension));
      indexes.set(bank.id, idx);
    }
    return idx;
  }

  async function importFile(file: string, opts: ImportOptions): Promise<ImportReport> {
    const path = resolve(file);
    const format = formatOf(path, opts.format);
    const readOptions = { columns: opts.columns ?? {}, header: opts.header ?? ('auto' as const), sheet: opts.sheet };
    // Read in the reading process: a zip bomb or a pathological file costs that process, not this one.
    const read = importReader().readRows(path, format, readOptions);
    const source: OpenedSource = {
      format,
      get encoding() {
        return read.encoding;
      },
      rows: read.rows,
      progress: () => read.progress,
    };
    let bank = store.findBank(opts.bank) ?? store.createBank(opts.bank, embedder.modelId);
    bank = await ensureModel(bank);
    const removeMissing = opts.removeMissing ?? bank.sourceFile === path;
    indexes.delete(bank.id);
    const started = Date.now();
    let lastProgress = 0;
    let latest: ImportCountsSoFar = { rowsRead: 0, embedded: 0, skipped: 0, rowsDone: 0 };
    const report = (done: boolean) => {
      lastProgress = Date.now();
      opts.onProgress?.(importProgress(bank.name, basename(path), latest, source.progress(), Date.now() - started, done));
    };
    try {
      const counts = await importRows(store, embedder, bank, source, {
        removeMissing,
        signal: opts.signal,
        onProgress: (c) => {
          latest = c;
          if (Date.now() - lastProgress >= PROGRESS_EVERY_MS) report(false);
        },
      });
      report(true);
      store.setSource(bank.id, path, JSON.stringify({ format, ...readOptions }));
      return { bank: store.getBank(bank.name), ...counts };
    } catch (err) {
      report(true);
      // Nothing was imported: don't leave behind a bank this import just created.
      if (bank.size === 0 && store.getBank(bank.name).size === 0 && !bank.sourceFile) store.deleteBank(bank.name);
      throw err instanceof ExtractionRefused ? new QuestionsError(err.message) : err;
    }
  }

  return {
    index,
    modelSwitch,
    importFile,

    async sync(name) {
      const bank = store.getBank(name);
      const saved = store.sourceOptions(bank.id);
      if (!bank.sourceFile || !saved) throw new QuestionsError(`bank "${name}" was not imported from a file, so there is nothing to sync with`);
      const o = JSON.parse(saved) as { format: ImportOptions['format']; columns: ImportOptions['columns']; header: ImportOptions['header']; sheet?: ImportOptions['sheet'] };
      return importFile(bank.sourceFile, { bank: bank.name, format: o.format, columns: o.columns, header: o.header, sheet: o.sheet, removeMissing: true });
    },

    async listBanks() {
      return store.listBanks();
    },

    async renameBank(from, to) {
      return store.renameBank(from, to);
    },

    async deleteBank(name) {
      const bank = store.getBank(name);
      indexes.delete(bank.id);
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
        idx = await index(name);
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
      const bank = await ensureModel(store.getBank(name));
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
      indexes.get(bank.id)?.add(id, vector);
      return { id, externalId, question: q, answer };
    },

    duplicates,
    reviewPair,
    clusters,

    async groups(name, opts = {}): Promise<QuestionGroups> {
      const bank = store.getBank(name);
      const found = await clusters(name, opts);
      const inGroup = new Set(found.flatMap((c) => c.members.map((m) => m.id)));
      const unclustered: BankQuestion[] = [];
      let unclusteredCount = 0;
      for (const q of store.iterateQuestions(bank.id)) {
        if (inGroup.has(q.id)) continue;
        if (++unclusteredCount <= UNCLUSTERED_LISTED) unclustered.push({ id: q.id, externalId: q.externalId, question: q.question, answer: q.answer });
      }
      return { clusters: found, unclustered, unclusteredCount, total: inGroup.size + unclusteredCount };
    },

    async exportDuplicates(name, file, opts = {}, format?: ExportFormat) {
      const pairs = await duplicates(name, opts);
      const rows = pairs.map((p) => ({
        score: Number(p.score.toFixed(6)),
        a_id: p.a.externalId ?? String(p.a.id),
        a_question: p.a.question,
        b_id: p.b.externalId ?? String(p.b.id),
        b_question: p.b.question,
        decision: p.decision,
      }));
      return writeRecords(file, exportFormatOf(file, format), ['score', 'a_id', 'a_question', 'b_id', 'b_question', 'decision'], rows);
    },

    trainingPairs,

    async exportTrainingPairs(name, file, opts = {}) {
      const pairs = await trainingPairs(name, opts);
      const rows = pairs.map((p) => ({ sentence1: p.sentence1, sentence2: p.sentence2, score: p.score.toFixed(1) }));
      await writeRecords(file, 'csv', ['sentence1', 'sentence2', 'score'], rows);
      const count = (kind: TrainingPair['kind'][]) => pairs.filter((p) => kind.includes(p.kind)).length;
      return { pairs: pairs.length, merged: count(['merged']), different: count(['kept', 'dismissed']), hardNegatives: count(['hard-negative']) };
    },

    async exportClusters(name, file, opts = {}, format?: ExportFormat) {
      const groups = await clusters(name, opts);
      const rows = groups.flatMap((c, k) =>
        c.members.map((m, rank) => ({ cluster: k + 1, size: c.size, label: c.label.question, rank: rank + 1, id: m.externalId ?? String(m.id), question: m.question })),
      );
      return writeRecords(file, exportFormatOf(file, format), ['cluster', 'size', 'label', 'rank', 'id', 'question'], rows);
    },

    async close() {
      await reader?.close();
      await kernels.close();
      store.close();
    },
  };

  async function duplicates(name: string, opts: DuplicatesOptions = {}): Promise<DuplicatePair[]> {
    const bank = store.getBank(name);
    const idx = await index(name);
    const { ids, matrix } = idx.vectors();
    const pairs = await paraphraseMiningAbove(kernels, matrix, opts.threshold ?? 0.85, { topK: opts.topK ?? 100, maxPairs: opts.maxPairs ?? 500000 });
    const rows = store.questions([...new Set(pairs.flatMap(([, i, j]) => [ids[i], ids[j]]))]);
    const reviews = store.reviews(bank.id);
    return pairs.map(([score, i, j]) => {
      const a = Math.min(ids[i], ids[j]);
      const b = Math.max(ids[i], ids[j]);
      return { score, a: rows.get(a)!, b: rows.get(b)!, decision: reviews.get(`${a}:${b}`) ?? null };
    });
  }

  async function reviewPair(name: string, a: number, b: number, decision: PairDecision | null): Promise<void> {
    const bank = store.getBank(name);
    if (a === b || store.countInBank(bank.id, [a, b]) !== 2) throw new QuestionsError(`questions ${a} and ${b} are not two questions of bank "${name}"`);
    if (decision === 'merge') {
      // Merge keeps `a` (taking b's answer if it has none) and removes `b`.
      store.merge(bank.id, a, b);
      indexes.delete(bank.id);
      return;
    }
    store.setReview(bank.id, a, b, decision);
  }

  async function trainingPairs(name: string, opts: TrainingPairsOptions = {}): Promise<TrainingPair[]> {
    const bank = store.getBank(name);
    const reviewed = { merged: store.mergedPairs(bank.id), separate: store.separatePairs(bank.id) };
    const hard = opts.hardNegatives ?? 0;
    const idx = hard > 0 && reviewed.merged.length > 0 ? await index(name) : null;
    return buildTrainingPairs(bank.name, reviewed, hard, {
      embedder,
      nearest(vector, k) {
        const hits = idx!.search(vector, k);
        const rows = store.questions(hits.map((h) => h.id));
        return hits.map((h) => ({ ...h, question: rows.get(h.id)!.question }));
      },
    });
  }

  async function clusters(name: string, opts: ClustersOptions = {}): Promise<QuestionCluster[]> {
    const idx = await index(name);
    const { ids, matrix } = idx.vectors();
    const groups = await communityDetection(kernels, matrix, { threshold: opts.threshold ?? 0.75, minCommunitySize: opts.minSize ?? 3 });
    const rows = store.questions(groups.flat().map((i) => ids[i]));
    return groups.map((g) => {
      const members = g.map((i) => rows.get(ids[i])!);
      return { label: members[0], members, size: members.length };
    });
  }
}

/** The progress event from the importer's counts and the reader's position. */
export function importProgress(
  bank: string,
  file: string,
  counts: ImportCountsSoFar,
  read: { bytesRead: number; bytesTotal: number; rowsTotal: number | null },
  elapsedMs: number,
  done: boolean,
): ImportProgress {
  const rows = done ? counts.rowsRead + counts.skipped : counts.rowsDone;
  const fraction = done ? 1 : Math.min(0.99, read.rowsTotal ? rows / read.rowsTotal : read.bytesTotal ? read.bytesRead / read.bytesTotal : 0);
  const rowsPerSecond = elapsedMs > 0 ? (rows * 1000) / elapsedMs : 0;
  // An estimate needs a second of history and some of the file behind it.
  const etaSeconds = done ? 0 : elapsedMs >= 1000 && fraction > 0.001 ? ((elapsedMs / 1000) * (1 - fraction)) / fraction : null;
  return { bank, file, ...counts, rowsTotal: read.rowsTotal, bytesRead: read.bytesRead, bytesTotal: read.bytesTotal, fraction, rowsPerSecond, etaSeconds, elapsedMs, done };
}
