/**
 * `models list|get|use|remove|prune|add|endpoint|rerank` (their arguments and flags in command-table.ts):
 * the model manager from the command line. Progress of a download goes to stderr (one line rewritten
 * on a terminal, a line every few seconds otherwise); Ctrl+C stops it and keeps what was fetched, so the next
 * `get` resumes.
 *
 * Two kinds of choice: the CLI default (`models use <model>`, the data folder's models.json) and an
 * index's own model (`models use <model> --db <index>`, beside the index: see index-model.ts). Moving
 * one index leaves the default, and so every other command, alone unless --default is given too.
 *
 * Re-rankers (cross-encoders) are chosen per index, like every setting of the CLI: `models rerank
 * <name> --db <index>` writes it into the settings.json beside the index (Settings.reranker), which
 * `search --db <index>` then uses unless told `--no-rerank`.
 */
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { splitModelChoice } from '../../core/embed/model-files';
import type { ModelLibrary } from '../../core/models/model-library';
import { SettingsFile } from '../../core/settings';
import type { ModelEntry } from '../../shared/models';
import { UsageError, type Command } from '../command';
import { readIndexModel, writeIndexModel } from '../index-model';
import { indexModel, modelLibrary, type IndexModel } from '../model-choice';
import { progressLines, type ProgressLines } from '../progress-lines';

const mb = (n: number) => `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MB`;

/** Rows under a head, each column as wide as its widest cell. */
function columns(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  return [head, ...rows].map((r) => r.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd()).join('\n') + '\n';
}

const state = (m: ModelEntry) => (m.installed ? m.source : m.downloadable ? 'not downloaded' : 'not installed');

function table(models: ModelEntry[]): string {
  const rows = models.map((m) => [
    m.current ? '*' : ' ',
    m.name,
    state(m),
    m.base ?? '',
    String(m.dimension || '?'),
    m.similarity,
    m.languages.join(',') || '?',
    m.bytes ? mb(m.bytes) : '',
    m.variants.map((v) => (v.name === m.variant ? `[${v.name}]` : v.name)).join(' '),
    m.licence ?? '',
  ]);
  return columns(['', 'name', 'state', 'fine-tuned from', 'dim', 'similarity', 'languages', 'size', 'variants', 'licence'], rows);
}

/** The re-rankers, `+` marking one an index given with --db re-ranks with, each with what it is for. */
function rerankerTable(models: ModelEntry[], chosen: Set<string>): string {
  const rows = models.map((m) => [chosen.has(m.name) ? '+' : ' ', m.name, state(m), m.languages.join(',') || '?', m.bytes ? mb(m.bytes) : '', m.licence ?? '', m.purpose ?? '']);
  return columns(['', 're-ranker', 'state', 'languages', 'size', 'licence', 'for'], rows);
}

const describe = (m: IndexModel) => `index ${m.db} uses ${m.model} (${m.variant})${m.from === 'default' ? ', the CLI default' : ''}\n`;

/** An index's re-ranker, from the settings.json beside it. */
interface IndexReranker {
  /** The re-ranker's name (Settings.reranker); null: none chosen. */
  reranker: string | null;
  /** Whether its searches are re-ranked unless told otherwise (Settings.rerank). */
  rerank: boolean;
}

const indexSettings = (db: string) => new SettingsFile(dirname(resolve(db)));

function indexReranker(db: string): IndexReranker {
  const { reranker, rerank } = indexSettings(db).get();
  return { reranker, rerank };
}

/** One line on what an index's searches are re-ranked with. */
function describeReranker(db: string, r: IndexReranker, library: ModelLibrary): string {
  if (!r.reranker) return `index ${resolve(db)} is not re-ranked (\`models rerank <name> --db ${db}\` to choose a re-ranker)\n`;
  const found = library.reranker(r.reranker);
  if (!found) return `index ${resolve(db)} names the re-ranker ${r.reranker}, which is not installed: its searches are not re-ranked\n`;
  return `index ${resolve(db)} re-ranks with ${found.label}${r.rerank ? '' : ' when a search asks (--rerank): re-ranking is off by default'}\n`;
}

/** `models rerank [<name>|none] [--off] --db <index>`: choose, stop, or show. */
function rerank(library: ModelLibrary, positional: string[], flags: Map<string, string>): number {
  const db = flags.get('db')!;
  if (!existsSync(resolve(db))) throw new Error(`no index at ${resolve(db)}: build it first (\`trove index <folder> --db ${db}\`)`);
  const name = positional[0];
  const off = flags.has('off') || name === 'none';
  if (flags.has('off') && name) throw new UsageError('models rerank: give a re-ranker or --off, not both');
  const settings = indexSettings(db);
  if (off) {
    settings.update({ reranker: null });
    process.stdout.write(`index ${resolve(db)} is no longer re-ranked\n`);
  } else if (name) {
    // Refused with what is installed when it is not a re-ranker (or not installed, or damaged).
    const chosen = library.reranker(name, true)!;
    settings.update({ reranker: chosen.name, rerank: true });
    process.stdout.write(`index ${resolve(db)} re-ranks with ${chosen.label} from now on (\`search --no-rerank\` for one search without it)\n`);
  } else {
    process.stdout.write(describeReranker(db, indexReranker(db), library));
  }
  return 0;
}

/**
 * Long work with a progress line that Ctrl+C or SIGTERM stops through its signal (what was done is
 * kept: a download resumes, a re-embedding continues from the last batch written).
 */
async function stoppable<T>(work: (signal: AbortSignal, lines: ProgressLines) => Promise<T>): Promise<T> {
  const controller = new AbortController();
  const stop = () => controller.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const lines = progressLines();
  try {
    return await work(controller.signal, lines);
  } finally {
    lines.end();
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** Re-embed an index's stored passages with another model, progress on stderr. */
async function moveIndex(db: string, model: { dir: string; variant?: string }, batch: number): Promise<number> {
  const { EmbedderProcess } = await import('../../core/embed/embedder-process');
  const { reembedIndex } = await import('../../core/corpus/reembed');
  const embedder = await EmbedderProcess.start({ modelDir: model.dir, variant: model.variant });
  try {
    const result = await stoppable((signal, lines) =>
      reembedIndex(db, embedder, {
        batch,
        signal,
        onProgress: (p) => {
          const eta = p.etaSeconds === null ? '' : `, ~${Math.ceil(p.etaSeconds)} s left`;
          lines.show(`re-embedding ${p.done}/${p.total} passages, ${p.passagesPerSecond.toFixed(1)}/s${eta}`, p.done >= p.total);
        },
      }),
    );
    process.stdout.write(JSON.stringify(result) + '\n');
    return 0;
  } finally {
    await embedder.close();
  }
}

/** Drop the index's vectors of the models `which` picks, never those of the model in use; one line per set dropped. */
async function prune(db: string, which: (modelId: string) => boolean): Promise<void> {
  const { pruneIndex } = await import('../../core/corpus/prune-index');
  // The index's own model, not the CLI default: that is the one its searches use.
  pruneIndex(db, indexModel(db).id, which, (set, n) => process.stdout.write(`dropped ${n} vectors of ${set.modelId} (${mb(set.bytes)})\n`));
}

/** What to do with a model just installed: embed with it, or re-rank with it. */
const nextStep = (library: ModelLibrary, name: string) =>
  library.rerankers().has(name) ? `\`npm run trove -- models rerank ${name} --db <index>\` to re-rank that index's searches with it` : `\`npm run trove -- models use ${name}\` to embed with it`;

const models: Command = async ({ sub, positional, flags, lists }) => {
  const library = modelLibrary();
  switch (sub) {
    case 'list': {
      const overview = library.overview();
      const dbs = lists.get('db') ?? [];
      const indexes = dbs.map((db) => ({ ...indexModel(db, library), ...indexReranker(db) }));
      if (flags.has('json')) {
        process.stdout.write(JSON.stringify({ ...overview, ...(indexes.length ? { indexes } : {}) }, null, 2) + '\n');
        return 0;
      }
      const current = overview.models.find((m) => m.current);
      const variant = current?.variant ? ` (${current.variant})` : '';
      const rerankers = overview.models.filter((m) => m.kind === 'reranker');
      const chosen = new Set(indexes.map((i) => (i.reranker ? (library.reranker(i.reranker)?.name ?? i.reranker) : '')));
      process.stdout.write(
        table(overview.models.filter((m) => m.kind !== 'reranker')) +
          `* the CLI default: ${overview.current}${variant} (an index moved with \`models use --db\` keeps its own model)\n` +
          indexes.map(describe).join('') +
          '\n' +
          rerankerTable(rerankers, chosen) +
          (indexes.length ? `+ re-ranks an index given with --db\n` : `re-rankers are chosen per index: \`models rerank <name> --db <index>\`; \`models list --db <index>\` shows its choice\n`) +
          indexes.map((i) => describeReranker(i.db, i, library)).join('') +
          `endpoint: ${overview.endpoint}\n`,
      );
      return 0;
    }
    case 'get': {
      if (flags.get('endpoint')) library.setEndpoint(flags.get('endpoint')!);
      const name = await stoppable((signal, lines) =>
        library.download(
          positional[0],
          (p) => {
            const eta = p.etaSeconds === null ? '' : `, ~${Math.ceil(p.etaSeconds)} s left`;
            lines.show(`${mb(p.bytesDone)} / ${mb(p.bytesTotal)} at ${mb(p.bytesPerSecond)}/s${eta}  ${p.file}`, p.bytesDone >= p.bytesTotal);
          },
          signal,
        ),
      );
      process.stdout.write(`${name} is installed; ${nextStep(library, name)}\n`);
      return 0;
    }
    case 'use': {
      const db = flags.get('db');
      if (db) {
        const batch = Number(flags.get('batch') ?? 64);
        if (!Number.isInteger(batch) || batch < 1) throw new UsageError(`models use: --batch must be a whole number of passages, got "${flags.get('batch')}"`);
        // Checked before the long re-embedding: a choice that cannot be written down fails now.
        const saved = library.savedChoice(positional[0], true);
        const code = await moveIndex(resolve(db), library.resolveChoice(saved), batch);
        if (code !== 0) return code;
        writeIndexModel(resolve(db), saved);
        process.stdout.write(describe(indexModel(db, library)));
        if (!flags.has('default')) return 0;
      }
      library.use(positional[0]);
      const variant = library.currentVariant();
      process.stdout.write(`the CLI default is now ${library.currentName()}${variant ? ` (${variant})` : ''}: commands embed with it from now on\n`);
      return 0;
    }
    case 'remove': {
      const id = library.overview().models.find((m) => m.name === positional[0])?.id ?? null;
      const db = flags.get('db');
      const own = db ? readIndexModel(resolve(db)) : null;
      // The CLI default is refused by library.remove; an index's own model is refused here, where the index is known.
      if (own && splitModelChoice(own).name === positional[0]) {
        throw new Error(`${positional[0]} is the model of index ${resolve(db!)}: move the index to another one first (\`trove models use <name> --db ${db}\`)`);
      }
      const wasReranker = library.rerankers().has(positional[0]);
      library.remove(positional[0]);
      process.stdout.write(`removed ${positional[0]}\n`);
      // An index that re-ranked with it stops doing so, rather than name a re-ranker that is gone.
      if (db && wasReranker && indexReranker(db).reranker === positional[0]) {
        indexSettings(db).update({ reranker: null });
        process.stdout.write(`index ${resolve(db)} is no longer re-ranked\n`);
      }
      // Every variant's vectors go with the model ("model" and "model@int8").
      if (id && flags.get('db')) await prune(resolve(flags.get('db')!), (m) => m.split('@')[0] === id.split('@')[0]);
      return 0;
    }
    case 'prune': {
      const only = positional[0];
      await prune(resolve(flags.get('db')!), (m) => (only ? m === only : true));
      return 0;
    }
    case 'add': {
      const name = await library.add(resolve(positional[0]), flags.get('name'));
      process.stdout.write(`added ${name}; ${nextStep(library, name)}\n`);
      return 0;
    }
    case 'rerank':
      return rerank(library, positional, flags);
    case 'endpoint':
      if (positional[0]) library.setEndpoint(positional[0]);
      process.stdout.write(`${library.endpoint}\n`);
      return 0;
  }
  throw new Error(`models ${sub}: in the command table but not handled here`);
};
export default models;
