/**
 * The Questions view's state: the chosen bank, the question being typed and its closest matches
 * (debounced, newest answer wins), the last import report, duplicate pairs and clusters.
 */
import { DEFAULT_SAME_THRESHOLD, type DuplicatePair, type ExportFormat, type ImportProgress, type ImportReport, type PairDecision, type QuestionBank, type QuestionGroups, type QuestionMatch } from '../../shared/questions';
import type { BankImportOptions } from '../../shared/questions-api';
import type { TrainingPairsSummary } from '../../shared/questions';
import { MAX_HARD_NEGATIVES, MAX_IMPORT_BYTES } from '../../shared/questions-api';
import { bytesToBase64 } from '../lib/question-matching';
import { getHost } from './app.svelte';
import { attempt } from './errors.svelte';

export const ASK_DEBOUNCE_MS = 200;

export type QuestionsTab = 'ask' | 'duplicates' | 'clusters';

export const questions = $state({
  banks: [] as QuestionBank[],
  /** Name of the bank everything below is about ('' when there is none). */
  bank: '',
  tab: 'ask' as QuestionsTab,
  text: '',
  matches: [] as QuestionMatch[],
  asking: false,
  askError: null as string | null,
  /** Score from which a match is marked "same question". */
  sameThreshold: DEFAULT_SAME_THRESHOLD,
  importing: false,
  /** The bank the running import fills ('' when none runs). */
  importingInto: '',
  /** How far the running import is (from the engine's importProgress events). */
  importProgress: null as ImportProgress | null,
  importError: null as string | null,
  report: null as ImportReport | null,
  duplicateThreshold: 0.85,
  duplicates: null as DuplicatePair[] | null,
  clusterThreshold: 0.75,
  clusterMinSize: 3,
  clusters: null as QuestionGroups | null,
  clustering: false,
  exporting: false,
  /** Hard negatives mined per merged pair when exporting training pairs. */
  hardNegatives: 0,
  /** What the last export of training pairs wrote (cleared when the bank changes). */
  pairsExported: null as (TrainingPairsSummary & { fileName: string }) | null,
});

/** Clusters are found again this long after the threshold or the minimum size last moved. */
export const CLUSTER_DEBOUNCE_MS = 250;

let timer: ReturnType<typeof setTimeout> | undefined;
let sequence = 0;
let clusterTimer: ReturnType<typeof setTimeout> | undefined;
let clusterSequence = 0;
let listening = false;

/** Import progress reaches the page as events; subscribe once, on the first import. */
function listenForImportProgress(): void {
  if (listening) return;
  listening = true;
  getHost().api.on('importProgress', (p) => {
    if (questions.importing) questions.importProgress = p;
  });
}

function message(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/^Error invoking remote method '[^']+': (\w*Error: )?/, '');
}

export async function loadBanks(): Promise<void> {
  const banks = await attempt(() => getHost().api.listBanks());
  if (!banks) return;
  questions.banks = banks;
  if (!banks.some((b) => b.name === questions.bank)) chooseBank(banks[0]?.name ?? '');
}

export function chooseBank(name: string): void {
  if (name === questions.bank) return;
  questions.bank = name;
  questions.duplicates = null;
  questions.clusters = null;
  questions.pairsExported = null;
  if (questions.text.trim()) void ask();
  else questions.matches = [];
}

export async function importBankFile(file: File, options: BankImportOptions): Promise<void> {
  questions.importError = null;
  questions.report = null;
  if (file.size > MAX_IMPORT_BYTES) {
    questions.importError = `${file.name}: larger than ${MAX_IMPORT_BYTES / 1024 / 1024} MB`;
    return;
  }
  listenForImportProgress();
  questions.importProgress = null;
  questions.importing = true;
  questions.importingInto = options.bank;
  try {
    const content = bytesToBase64(new Uint8Array(await file.arrayBuffer()));
    const report = await getHost().api.importBank(file.name, content, options);
    questions.report = report;
    await loadBanks();
    questions.bank = '';
    chooseBank(report.bank.name);
  } catch (err) {
    questions.importError = message(err);
  } finally {
    questions.importing = false;
    questions.importingInto = '';
    questions.importProgress = null;
  }
}

/** Stop the running import; what it stored so far stays, and its report says where it stopped. */
export async function cancelImport(): Promise<void> {
  if (questions.importingInto) await attempt(() => getHost().api.cancelImport(questions.importingInto));
}

export function setAskText(text: string): void {
  questions.text = text;
  clearTimeout(timer);
  if (!text.trim()) {
    sequence++;
    Object.assign(questions, { matches: [], askError: null, asking: false });
    return;
  }
  timer = setTimeout(() => void ask(), ASK_DEBOUNCE_MS);
}

export async function ask(): Promise<void> {
  const { text, bank } = questions;
  if (!text.trim() || !bank) return;
  const mine = ++sequence;
  questions.asking = true;
  try {
    const matches = await getHost().api.askQuestion(bank, text, 10);
    if (mine !== sequence) return;
    questions.matches = matches;
    questions.askError = null;
  } catch (err) {
    if (mine === sequence) questions.askError = message(err);
  } finally {
    if (mine === sequence) questions.asking = false;
  }
}

/** Adds the typed question to the bank; true when it was added. */
export async function addAskedQuestion(answer: string): Promise<boolean> {
  const { bank, text } = questions;
  const added = await attempt(() => getHost().api.addQuestion(bank, text.trim(), answer.trim() || undefined));
  if (!added) return false;
  await loadBanks();
  questions.duplicates = null;
  questions.clusters = null;
  await ask();
  return true;
}

export async function findDuplicates(): Promise<void> {
  const pairs = await attempt(() => getHost().api.findDuplicates(questions.bank, questions.duplicateThreshold));
  if (pairs) questions.duplicates = pairs;
}

export async function reviewPair(pair: DuplicatePair, decision: PairDecision | null): Promise<void> {
  const done = await attempt(async () => {
    await getHost().api.reviewDuplicate(questions.bank, pair.a.id, pair.b.id, decision);
    return true;
  });
  if (!done) return;
  if (decision !== 'merge') {
    pair.decision = decision;
    return;
  }
  // A merge removes the second question: its other pairs, the clusters and the bank's size changed.
  questions.clusters = null;
  await Promise.all([findDuplicates(), loadBanks()]);
  if (questions.text.trim()) await ask();
}

/** Group the bank at the current threshold and minimum size; the newest request wins. */
export async function findClusters(): Promise<void> {
  clearTimeout(clusterTimer);
  const mine = ++clusterSequence;
  questions.clustering = true;
  const found = await attempt(() => getHost().api.findClusters(questions.bank, questions.clusterThreshold, questions.clusterMinSize));
  if (mine !== clusterSequence) return;
  questions.clustering = false;
  if (found) questions.clusters = found;
}

/** The threshold or the minimum size moved: group again once it stops moving. */
export function regroupSoon(): void {
  clearTimeout(clusterTimer);
  clusterTimer = setTimeout(() => void findClusters(), CLUSTER_DEBOUNCE_MS);
}

/** Hand a file to the browser's download (the same in the desktop app and the web host). */
function download(file: { fileName: string; mimeType: string; content: string }): void {
  const url = URL.createObjectURL(new Blob([file.content], { type: `${file.mimeType};charset=utf-8` }));
  const a = document.createElement('a');
  a.href = url;
  a.download = file.fileName;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/** Save the bank as a file. */
export async function exportBank(format: ExportFormat): Promise<void> {
  questions.exporting = true;
  try {
    const file = await attempt(() => getHost().api.exportBank(questions.bank, format));
    if (file) download(file);
  } finally {
    questions.exporting = false;
  }
}

/** Save the reviewed pairs as fine-tuning data (sentence1,sentence2,score) and say what was written. */
export async function exportTrainingPairs(): Promise<void> {
  questions.exporting = true;
  try {
    // An emptied number field reads as null: export without hard negatives rather than fail.
    const hard = Math.min(MAX_HARD_NEGATIVES, Math.max(0, Math.floor(Number(questions.hardNegatives) || 0)));
    const file = await attempt(() => getHost().api.exportTrainingPairs(questions.bank, hard));
    if (!file) return;
    download(file);
    const { fileName, pairs, merged, different, hardNegatives } = file;
    questions.pairsExported = { fileName, pairs, merged, different, hardNegatives };
  } finally {
    questions.exporting = false;
  }
}

export async function renameBank(to: string): Promise<void> {
  const renamed = await attempt(() => getHost().api.renameBank(questions.bank, to));
  if (!renamed) return;
  questions.bank = renamed.name;
  await loadBanks();
}

export async function deleteBank(): Promise<void> {
  const name = questions.bank;
  const done = await attempt(async () => {
    await getHost().api.deleteBank(name);
    return true;
  });
  if (!done) return;
  questions.report = null;
  await loadBanks();
}
