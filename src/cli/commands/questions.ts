/**
 * `npm run trove -- questions <import|ask|dupes|clusters|review|export-pairs|banks|rename|delete|export|sync|eval-sts|calibrate> ...`
 * (their arguments and flags in command-table.ts): question banks from the command line, the same
 * service the app uses.
 */
import { startEmbedder } from '../start-embedder';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SAME_THRESHOLD, type ColumnChoice, type ImportFormat, type QuestionService } from '../../shared/questions';
import { readSts } from '../../core/eval/sts';
import { chooseSameThreshold } from '../../core/eval/same-threshold';
import { defaultDataDir } from '../../core/questions/app-data-dir';
import { createQuestionService } from '../../core/questions/question-service';
import { UsageError, type Command } from '../command';
import { formatProgressLine, progressLines } from '../progress-lines';
import { chosenModel } from '../model-choice';

const col = (v: string | undefined): string | number | undefined => (v === undefined ? undefined : /^\d+$/.test(v) ? Number(v) : v);

function num(flags: Map<string, string>, name: string, fallback: number): number {
  const v = flags.get(name);
  if (v === undefined) return fallback;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new UsageError(`--${name} must be a number, got "${v}"`);
  return n;
}

async function withService<T>(dataDir: string, fn: (s: QuestionService) => Promise<T>): Promise<T> {
  const embedder = await startEmbedder(chosenModel(modelFlags));
  const service = createQuestionService({ dataDir, embedder });
  try {
    return await fn(service);
  } finally {
    await service.close();
    await embedder.close();
  }
}

const out = (v: unknown) => process.stdout.write(JSON.stringify(v, null, 2) + '\n');

/** STS-B lookup: bank = first sentences of pairs with gold ≥ 4.0 (id = pair index), ask each second sentence. */
async function evalSts(file: string): Promise<number> {
  const hi = readSts(file).pairs.filter((p) => p.score >= 4.0);
  const dir = mkdtempSync(join(tmpdir(), 'trove-eval-sts-'));
  try {
    const bankFile = join(dir, 'bank.jsonl');
    writeFileSync(bankFile, hi.map((p, i) => JSON.stringify({ id: String(i), question: p.a })).join('\n') + '\n');
    return await withService(dir, async (s) => {
      await s.importFile(bankFile, { bank: 'sts', columns: { question: 'question', id: 'id' } });
      let top1 = 0;
      let mrr = 0;
      for (let i = 0; i < hi.length; i++) {
        const hits = await s.ask('sts', hi[i].b, { k: 10 });
        const rank = hits.findIndex((h) => h.externalId === String(i));
        if (rank === 0) top1++;
        if (rank >= 0) mrr += 1 / (rank + 1);
      }
      process.stdout.write(JSON.stringify({ accuracy_at_1: top1 / hi.length, mrr_at_10: mrr / hi.length, asks: hi.length }) + '\n');
      return 0;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The cut-off from labelled pairs: one line per candidate on stderr, the choice as JSON on stdout. */
async function calibrate(file: string): Promise<number> {
  const embedder = await startEmbedder(chosenModel(modelFlags));
  try {
    const choice = await chooseSameThreshold(embedder, readSts(file).pairs);
    const f = (v: number) => v.toFixed(3);
    for (const p of choice.sweep) {
      process.stderr.write(`${p.threshold.toFixed(2)}  J ${f(p.youdenJ)}  precision ${f(p.precision)}  recall ${f(p.recall)}  F1 ${f(p.f1)}${p === choice.best ? '  <- chosen' : ''}\n`);
    }
    const b = choice.best;
    process.stdout.write(JSON.stringify({ model: embedder.modelId, pairs: choice.pairs, same_pairs: choice.positives, threshold: choice.threshold, youden_j: +f(b.youdenJ), precision: +f(b.precision), recall: +f(b.recall), f1: +f(b.f1), current_default: DEFAULT_SAME_THRESHOLD }) + '\n');
    return 0;
  } finally {
    await embedder.close();
  }
}
/** `--model` of the running command, read by withService. */
let modelFlags: Map<string, string> | undefined;

const questions: Command = async ({ sub, positional, flags }) => {
  modelFlags = flags;
  const dataDir = flags.get('data') ?? defaultDataDir();
  const json = flags.has('json');
  const bank = flags.get('bank');
  // The command table requires --bank of every sub-command that calls this.
  const needBank = () => {
    if (!bank) throw new UsageError(`questions ${sub} needs --bank <name>`);
    return bank;
  };
  switch (sub) {
    case 'calibrate':
      return calibrate(positional[0]);
    case 'eval-sts':
      return evalSts(positional[0]);
    case 'import': {
      const columns: ColumnChoice = { question: col(flags.get('question-col')), answer: col(flags.get('answer-col')), id: col(flags.get('id-col')) };
      const lines = progressLines();
      const report = await withService(dataDir, (s) =>
        s.importFile(positional[0], {
          bank: needBank(),
          columns,
          format: flags.get('format') as ImportFormat | undefined,
          sheet: col(flags.get('sheet')),
          header: flags.has('no-header') ? false : flags.has('header') ? true : 'auto',
          onProgress: (p) => {
            if (p.done) return;
            const done = p.rowsDone;
            lines.show(formatProgressLine(`importing ${p.file}`, { unit: 'rows', done, total: p.rowsTotal, rate: p.rowsPerSecond, etaSeconds: p.etaSeconds }) + `, ${p.embedded.toLocaleString('en-US')} embedded`);
          },
        }),
      ).finally(() => lines.end());
      if (json) out(report);
      else {
        process.stdout.write(
          `${report.bank.name}: ${report.bank.size} questions (${report.format}, ${report.encoding}); ${report.added} added, ${report.updated} updated, ` +
            `${report.unchanged} unchanged, ${report.removed} removed, ${report.embedded} embedded\n`,
        );
        for (const s of report.skipped) process.stdout.write(`  skipped row ${s.row}: ${s.reason}\n`);
        if (report.truncated.length) process.stdout.write(`  ${report.truncated.length} question(s) longer than the model reads (256 word pieces), kept in full, matched on their start: rows ${report.truncated.slice(0, 20).join(', ')}\n`);
        if (report.error) process.stdout.write(`  ${report.error}\n`);
      }
      return report.error ? 1 : 0;
    }
    case 'ask': {
      const hits = await withService(dataDir, (s) => s.ask(needBank(), positional.join(' '), { k: num(flags, 'k', 5), sameThreshold: num(flags, 'same', DEFAULT_SAME_THRESHOLD) }));
      if (json) out(hits);
      else for (const h of hits) process.stdout.write(`${h.score.toFixed(3)} ${h.kind.padEnd(7)} ${h.question}${h.answer ? `\n        → ${h.answer}` : ''}\n`);
      return 0;
    }
    case 'review': {
      const [a, b, d] = positional;
      if (!['keep', 'merge', 'dismiss', 'clear'].includes(d)) throw new UsageError(`questions review: the decision is keep, merge, dismiss or clear, not "${d}"`);
      await withService(dataDir, (s) => s.reviewPair(needBank(), Number(a), Number(b), d === 'clear' ? null : (d as 'keep' | 'merge' | 'dismiss')));
      return 0;
    }
    case 'export-pairs': {
      const name = positional[0] ?? bank;
      const outFile = flags.get('out')!;
      if (!name) throw new UsageError('questions export-pairs needs <bank> or --bank <name>');
      const hard = num(flags, 'hard-negatives', 0);
      if (!Number.isInteger(hard) || hard < 0) throw new UsageError(`--hard-negatives must be a whole number of pairs, got "${flags.get('hard-negatives')}"`);
      const summary = await withService(dataDir, (s) => s.exportTrainingPairs(name, outFile, { hardNegatives: hard }));
      if (json) out(summary);
      else
        process.stdout.write(
          `${summary.pairs} pairs written to ${outFile}: ${summary.merged} merged (score 1.0), ${summary.different} kept both or dismissed (0.0)` +
            (hard > 0 ? `, ${summary.hardNegatives} hard negatives mined from the bank (0.0)` : '') +
            '\n',
        );
      return 0;
    }
    case 'dupes': {
      const outFile = flags.get('out');
      if (outFile) {
        const n = await withService(dataDir, (s) => s.exportDuplicates(needBank(), outFile, { threshold: num(flags, 'threshold', 0.85), topK: num(flags, 'top-k', 100) }));
        process.stdout.write(`${n} pairs written to ${outFile}\n`);
        return 0;
      }
      const pairs = await withService(dataDir, (s) => s.duplicates(needBank(), { threshold: num(flags, 'threshold', 0.85), topK: num(flags, 'top-k', 100) }));
      if (json) out(pairs);
      else for (const p of pairs) process.stdout.write(`${p.score.toFixed(3)} [${p.a.id}] ${p.a.question}\n      [${p.b.id}] ${p.b.question}${p.decision ? `  (${p.decision})` : ''}\n`);
      return 0;
    }
    case 'clusters': {
      const outFile = flags.get('out');
      if (outFile) {
        const n = await withService(dataDir, (s) => s.exportClusters(needBank(), outFile, { threshold: num(flags, 'threshold', 0.75), minSize: num(flags, 'min-size', 3) }));
        process.stdout.write(`${n} cluster members written to ${outFile}\n`);
        return 0;
      }
      const groups = await withService(dataDir, (s) => s.groups(needBank(), { threshold: num(flags, 'threshold', 0.75), minSize: num(flags, 'min-size', 3) }));
      if (json) out(groups.clusters);
      else {
        for (const c of groups.clusters) process.stdout.write(`${String(c.size).padStart(5)}  ${c.label.question}\n`);
        process.stdout.write(`${String(groups.unclusteredCount).padStart(5)}  (in no group, of ${groups.total} questions)\n`);
      }
      return 0;
    }
    case 'banks': {
      const banks = await withService(dataDir, (s) => s.listBanks());
      if (json) out(banks);
      else for (const b of banks) process.stdout.write(`${b.name}\t${b.size} questions\t${b.sourceFile ?? ''}\n`);
      return 0;
    }
    case 'rename':
      out(await withService(dataDir, (s) => s.renameBank(positional[0], positional[1])));
      return 0;
    case 'delete':
      await withService(dataDir, (s) => s.deleteBank(positional[0]));
      return 0;
    case 'export': {
      const n = await withService(dataDir, (s) => s.exportBank(needBank(), positional[0]));
      process.stdout.write(`${n} questions written to ${positional[0]}\n`);
      return 0;
    }
    case 'sync': {
      const report = await withService(dataDir, (s) => s.sync(needBank()));
      out(report);
      return report.error ? 1 : 0;
    }
  }
  throw new Error(`questions ${sub}: in the command table but not handled here`);
};
export default questions;
