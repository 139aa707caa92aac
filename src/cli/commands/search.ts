/**
 * `search "<query>" --db <file>`: search an index built by `index` or `watch` (its flags are in
 * command-table.ts). Every argument is part of the query, and `--` ends the options (`search -- --no-ff`).
 * The index's re-ranker (`models rerank <name> --db <file>`) re-orders the best results unless
 * `--no-rerank`; `--rerank` asks for it even when the index's setting is off, and fails when it cannot.
 */
import { realpathSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { SettingsFile } from '../../core/settings';
import type { SearchFilters, SearchResponse } from '../../shared/types';
import { UsageError, type Command } from '../command';
import { modelLibrary } from '../model-choice';
import { openCliService, requireDb } from './index';

/** A date as typed (YYYY-MM-DD, local midnight, or any ISO time) → ms since epoch. */
export function parseDate(flag: string, value: string): number {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const ms = day ? new Date(Number(day[1]), Number(day[2]) - 1, Number(day[3])).getTime() : Date.parse(value);
  if (!Number.isFinite(ms)) throw new UsageError(`--${flag} must be a date such as 2024-01-31, not "${value}"`);
  return ms;
}

/** --in/--type/--after/--before as the API's filters (undefined when none is given). */
export function filtersFromFlags(flags: Map<string, string>, lists: Map<string, string[]>): SearchFilters | undefined {
  const filters: SearchFilters = {};
  const folders = lists.get('in');
  if (folders) {
    filters.folders = folders.map((f) => {
      try {
        return realpathSync(resolve(f));
      } catch {
        throw new Error(`--in ${f}: no such folder`);
      }
    });
  }
  const types = flags.get('type');
  if (types) filters.types = types.split(',').map((t) => t.trim().replace(/^\./, '').toLowerCase()).filter(Boolean);
  if (flags.has('after')) filters.after = parseDate('after', flags.get('after')!);
  if (flags.has('before')) filters.before = parseDate('before', flags.get('before')!);
  return Object.keys(filters).length ? filters : undefined;
}

export function parseK(flags: Map<string, string>): number {
  const k = Number(flags.get('k') ?? 10);
  if (!Number.isInteger(k) || k < 1 || k > 100) throw new UsageError('--k must be a whole number from 1 to 100');
  return k;
}

/** The response as a person reads it in a terminal. */
export function printResponse(response: SearchResponse): void {
  const out = (s: string) => process.stdout.write(s + '\n');
  if (response.correction) out(`Showing results for "${response.correction.corrected}"; search instead for "${response.correction.original}" with --exact`);
  if (response.unsupportedScript) {
    const s = response.unsupportedScript;
    out(`The active model does not read ${s.script} script${s.suggestedModel ? `; ${s.suggestedModel} does (npm run trove -- models use ${s.suggestedModel})` : ''}.`);
  }
  if (response.rerankProblem) out(response.rerankProblem);
  if (response.quality === 'none') out(`No good matches. Nearest files:`);
  for (const [i, hit] of response.hits.entries()) {
    const where = hit.best.location ? ` (${hit.best.location})` : '';
    const h = hit.best.highlight;
    const snippet = hit.best.text.slice(h.start, h.end).replace(/\s+/g, ' ').slice(0, 200);
    const words = hit.best.matchedTerms.length ? `  [${hit.best.matchedTerms.join(', ')}]` : '';
    out(`${i + 1}. ${hit.score.toFixed(3)}  ${hit.path}${where}${words}\n    ${snippet}`);
  }
  const reranked = response.reranked ? `; re-ranked by ${response.reranked.label} (its best ${response.reranked.passages} passages read again)` : '';
  out(`${response.hits.length} of ${response.totalFiles} files, ${response.passagesSearched} passages searched in ${response.tookMs} ms${reranked}`);
}

/**
 * --rerank / --no-rerank as the API's `rerank` (undefined: the index's setting). Asked for, the
 * index must have a re-ranker that is installed: said before the engine starts, not after.
 */
export function rerankFromFlags(flags: Map<string, string>, db: string, mode: string): boolean | undefined {
  if (flags.has('rerank') && flags.has('no-rerank')) throw new UsageError('give --rerank or --no-rerank, not both');
  if (flags.has('no-rerank')) return false;
  if (flags.has('rerank') && mode === 'words') throw new UsageError('--rerank re-orders hybrid and meaning searches; --mode words keeps the order of the words found');
  const { reranker: chosen, rerank: byDefault } = new SettingsFile(dirname(resolve(db))).get();
  if (!flags.has('rerank')) {
    // Re-ranked by default with a re-ranker removed since: the first order, said once.
    if (chosen && byDefault && mode !== 'words' && !modelLibrary().reranker(chosen)) process.stderr.write(`note: the re-ranker ${chosen} chosen for this index is not installed; results are in their first order\n`);
    return undefined;
  }
  if (!chosen) throw new Error(`index ${resolve(db)} has no re-ranker: choose one with \`trove models rerank <name> --db ${db}\` (\`trove models list\` lists them)`);
  // Refused with what is installed instead, as choosing it would be.
  modelLibrary().reranker(chosen, true);
  return true;
}

const searchCommand: Command = async ({ positional, flags, lists }) => {
  const text = positional.join(' ').trim();
  if (!text) throw new UsageError('search needs a query that is not empty');
  const k = parseK(flags);
  const sort = flags.get('sort') ?? 'relevance';
  if (sort !== 'relevance' && sort !== 'date') throw new UsageError('--sort must be relevance or date');
  const mode = flags.get('mode') ?? 'hybrid';
  if (mode !== 'hybrid' && mode !== 'meaning' && mode !== 'words') throw new UsageError('--mode must be hybrid, meaning or words');
  const filters = filtersFromFlags(flags, lists);
  const rerank = rerankFromFlags(flags, requireDb(flags), mode);
  const service = await openCliService(requireDb(flags), { reconcileOnStart: false, flags });
  try {
    const response = await service.search({ text, k, filters, sort, mode, exact: flags.has('exact'), ...(rerank === undefined ? {} : { rerank }) });
    if (flags.has('json')) process.stdout.write(JSON.stringify(response) + '\n');
    else printResponse(response);
    // Asked for by name and not done: the results are in their first order, and the exit code says so.
    if (rerank && response.rerankProblem) {
      process.stderr.write(`trove: ${response.rerankProblem}\n`);
      return 1;
    }
    return 0;
  } finally {
    await service.close();
  }
};
export default searchCommand;
