/**
 * Importing a bank from a file (and syncing it with that file again): the rows are read in a reading
 * process of their own, embedded and written in batches by the importer, with progress events; an
 * import that fails before anything was added leaves no empty bank behind.
 */
import { basename, resolve } from 'node:path';
import type { ImportOptions, ImportProgress, ImportReport } from '../../shared/questions';
import type { Embedder } from '../embed/types';
import { ExtractionRefused } from '../extract/types';
import { IsolatedExtractor } from '../extract/isolated-extractor';
import type { BankIndexes } from './bank-indexes';
import { type BankStore, QuestionsError } from './bank-store';
import { formatOf } from './import-format';
import { importRows, type ImportCountsSoFar } from './importer';
import type { OpenedSource } from '../extract/import-rows';

/** Progress events at most this often (and one at the end). */
const PROGRESS_EVERY_MS = 500;

export interface BankImport {
  importFile(file: string, opts: ImportOptions): Promise<ImportReport>;
  /** Import the bank's own source file again, removing what left it. */
  sync(name: string): Promise<ImportReport>;
  close(): Promise<void>;
}

/**
 * `reader`: the process that reads import files (default: one of its own, 1 GB and 120 s per part of
 * 1,000 rows, started on first use).
 */
export function createBankImport(store: BankStore, embedder: Embedder, banks: BankIndexes, reader: IsolatedExtractor | null): BankImport {
  const importReader = () => (reader ??= new IsolatedExtractor({ fileTypes: [], memoryMb: 1024, timeoutMs: 120_000 }));

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
    bank = await banks.ensureModel(bank);
    const removeMissing = opts.removeMissing ?? bank.sourceFile === path;
    banks.forget(bank.id);
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
    importFile,
    async sync(name) {
      const bank = store.getBank(name);
      const saved = store.sourceOptions(bank.id);
      if (!bank.sourceFile || !saved) throw new QuestionsError(`bank "${name}" was not imported from a file, so there is nothing to sync with`);
      const o = JSON.parse(saved) as { format: ImportOptions['format']; columns: ImportOptions['columns']; header: ImportOptions['header']; sheet?: ImportOptions['sheet'] };
      return importFile(bank.sourceFile, { bank: bank.name, format: o.format, columns: o.columns, header: o.header, sheet: o.sheet, removeMissing: true });
    },
    async close() {
      await reader?.close();
    },
  };
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
