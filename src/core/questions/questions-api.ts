/**
 * The UI's question-bank calls (QuestionsApi) on top of the QuestionService: an imported file arrives
 * as bytes (the page never reads files by path), is written to a private temp folder under its own
 * name so the extension still picks the format, imported, and removed.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import type { BankImportOptions, QuestionsApi } from '../../shared/questions-api';
import { MAX_IMPORT_BYTES } from '../../shared/questions-api';
import type { ColumnChoice, ImportProgress, QuestionService } from '../../shared/questions';
import { QuestionsError } from './bank-store';

/** "3" means the third column (the UI counts from 1); anything else is a header name; blank is unset. */
export function columnRef(value: string | undefined): string | number | undefined {
  const v = value?.trim();
  if (!v) return undefined;
  return /^[1-9]\d{0,3}$/.test(v) ? Number(v) - 1 : v;
}

export function columnChoice(options: BankImportOptions): ColumnChoice {
  const choice: ColumnChoice = {};
  const question = columnRef(options.questionColumn);
  const answer = columnRef(options.answerColumn);
  const id = columnRef(options.idColumn);
  if (question !== undefined) choice.question = question;
  if (answer !== undefined) choice.answer = answer;
  if (id !== undefined) choice.id = id;
  return choice;
}

/** Decode base64 the schema already checked; refuses content over the size cap. */
export function decodeUpload(contentBase64: string): Buffer {
  const bytes = Buffer.from(contentBase64, 'base64');
  if (bytes.length === 0) throw new QuestionsError('the file is empty');
  if (bytes.length > MAX_IMPORT_BYTES) throw new QuestionsError(`the file is larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB`);
  return bytes;
}

/** A bank name as a file name: characters that are not allowed in file names on some system become "_". */
export function exportFileName(bank: string, format: 'csv' | 'jsonl'): string {
  const safe = bank.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '_').replace(/^\.+/, '_').slice(0, 120) || 'questions';
  return `${safe}.${format}`;
}

/** `onProgress` receives the progress of imports made through `importBank` (the host sends it to the page). */
export function createQuestionsApi(service: QuestionService, onProgress?: (p: ImportProgress) => void): QuestionsApi {
  /** Imports running through importBank, by bank name, so cancelImport can stop them. */
  const running = new Map<string, AbortController>();
  return {
    listBanks: () => service.listBanks(),

    async cancelImport(bank) {
      const importing = running.get(bank.trim());
      importing?.abort();
      return importing !== undefined;
    },

    async exportBank(bank, format) {
      const dir = await mkdtemp(join(tmpdir(), 'trove-export-'));
      try {
        const file = join(dir, exportFileName(bank, format));
        const rows = await service.exportBank(bank, file, format);
        return { fileName: basename(file), mimeType: format === 'csv' ? 'text/csv' : 'application/x-ndjson', content: await readFile(file, 'utf8'), rows };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },

    async exportTrainingPairs(bank, hardNegatives) {
      const dir = await mkdtemp(join(tmpdir(), 'trove-export-'));
      try {
        const file = join(dir, exportFileName(`${bank}-pairs`, 'csv'));
        const summary = await service.exportTrainingPairs(bank, file, { hardNegatives: hardNegatives ?? 0 });
        return { fileName: basename(file), mimeType: 'text/csv', content: await readFile(file, 'utf8'), ...summary };
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },

    async importBank(fileName, contentBase64, options) {
      const bytes = decodeUpload(contentBase64);
      const bank = options.bank.trim();
      if (running.has(bank)) throw new QuestionsError(`an import into "${bank}" is already running`);
      const cancel = new AbortController();
      running.set(bank, cancel);
      const dir = await mkdtemp(join(tmpdir(), 'trove-import-')).catch((err: unknown) => {
        running.delete(bank);
        throw err;
      });
      try {
        const file = join(dir, basename(fileName));
        await writeFile(file, bytes, { mode: 0o600 });
        // The temp copy is not a source to stay in step with: never drop questions missing from it.
        const progress = onProgress && ((p: ImportProgress) => onProgress({ ...p, file: basename(fileName) }));
        return await service.importFile(file, { bank, columns: columnChoice(options), removeMissing: false, onProgress: progress, signal: cancel.signal });
      } finally {
        running.delete(bank);
        await rm(dir, { recursive: true, force: true });
      }
    },

    askQuestion: (bank, text, k) => service.ask(bank, text, { k: k ?? 5 }),
    addQuestion: (bank, question, answer) => service.addQuestion(bank, question, answer?.trim() ? answer : null),
    findDuplicates: (bank, threshold) => service.duplicates(bank, { threshold }),
    reviewDuplicate: (bank, a, b, decision) => service.reviewPair(bank, a, b, decision),
    findClusters: (bank, threshold, minSize) => service.groups(bank, { threshold, minSize }),
    renameBank: (from, to) => service.renameBank(from, to.trim()),
    deleteBank: (name) => service.deleteBank(name),
  };
}
