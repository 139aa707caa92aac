/**
 * The search as the user types: debounced, newest answer wins, filters and order sent with the query,
 * selection moved with ↑/↓, and the selected file's preview (the first result's from the start). The
 * same list can show "Similar files" of one result; Back returns to the search as it was. Re-runs when
 * the index changes so edits and deletions show up.
 */
import type { Preview, SearchHit, SearchResponse } from '../../shared/types';
import { noFilters, toSearchFilters, type FilterChoice, type FilterOutcome } from '../lib/search-filters';
import { getHost } from './app.svelte';

export const DEBOUNCE_MS = 150;
/** Results asked for: one screenful and a little more; `totalFiles` says how many matched in all. */
const RESULTS_K = 20;
/** Previews fetched ahead of the selection, so ↓ shows the next one without waiting for the engine. */
const PREFETCH = 1;

/** The file (and passage) whose similar files are listed. */
export interface SimilarSource {
  path: string;
  name: string;
  /** The passage shown when the user asked: used when comparing with that passage. */
  chunkId: number;
  /** That passage's text and place in the file, shown while the list compares with it (the result card is gone by then). */
  passage: { text: string; location: string | null; highlight: { start: number; end: number } };
  /** Compare with the whole file (mean of its passages) or with that one passage. */
  basis: 'file' | 'passage';
}

export const search = $state({
  text: '',
  response: null as SearchResponse | null,
  busy: false,
  /** The search's own failure (query too long, unknown folder, model still loading): shown where results would be. */
  error: null as string | null,
  selected: -1,
  preview: null as Preview | null,
  previewError: null as string | null,
  /** Folder, type, date range and order chosen in the filter bar. */
  filters: noFilters() as FilterChoice,
  /** Search the words as typed, without spelling correction (after "search instead for …"). */
  exact: false,
  /** The query text the results on screen answer (tests and screen readers can tell a stale list). */
  answered: null as string | null,
  /** Set while the list shows the files similar to one file instead of the search's results. */
  similar: null as SimilarSource | null,
});

let timer: ReturnType<typeof setTimeout> | undefined;
/** Bumped by every new question (search, similar, clear): answers to older ones are dropped. */
let sequence = 0;
let previewSequence = 0;
/** The search's results while similar files are shown, so Back is instant and keeps the selection. */
let beforeSimilar: { response: SearchResponse | null; selected: number; error: string | null } | null = null;
/** Previews of the current results by passage; emptied with every new answer (the files may have changed). */
const previews = new Map<string, Promise<Preview>>();

/** Nothing on screen: no list, no preview (a preview still loading is dropped too). */
function clearResults(): void {
  previewSequence++;
  Object.assign(search, { response: null, error: null, busy: false, selected: -1, preview: null, previewError: null });
}

function message(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/^Error invoking remote method '[^']+': (\w*Error: )?/, '');
}

/** What the filter bar's choice means for the search, or why it cannot be searched. */
export function filterOutcome(): FilterOutcome {
  return toSearchFilters(search.filters);
}

export function setQuery(text: string): void {
  const changed = text !== search.text;
  search.text = text;
  if (changed) search.exact = false;
  clearTimeout(timer);
  if (search.similar) leaveSimilar();
  if (!text.trim()) {
    sequence++;
    previews.clear();
    clearResults();
    search.answered = null;
    return;
  }
  timer = setTimeout(() => void runSearch(), DEBOUNCE_MS);
}

export function clearQuery(): void {
  setQuery('');
}

/** Esc: out of the similar files first, then clear the query. */
export function escape(): void {
  if (search.similar) backToSearch();
  else clearQuery();
}

/** Change the filter bar's choice; the open list (search or similar files) is asked again at once. */
export function setFilters(patch: Partial<FilterChoice>): void {
  search.filters = { ...search.filters, ...patch };
  clearTimeout(timer);
  void (search.similar ? runSimilar() : runSearch());
}

/**
 * One request for the list on screen: the filters are checked first, and the latest request wins
 * (the answer or error of one asked before it is dropped); busy while the latest runs.
 */
async function latest(
  ask: (outcome: Extract<FilterOutcome, { ok: true }>) => Promise<SearchResponse>,
  answered: (response: SearchResponse) => void,
  failed: (err: unknown) => void,
): Promise<void> {
  const outcome = filterOutcome();
  const mine = ++sequence;
  if (!outcome.ok) {
    // The bar says what is wrong; results for filters the user did not mean would mislead.
    clearResults();
    return;
  }
  search.busy = true;
  try {
    const response = await ask(outcome);
    if (mine === sequence) answered(response);
  } catch (err) {
    if (mine === sequence) failed(err);
  } finally {
    if (mine === sequence) search.busy = false;
  }
}

export async function runSearch(): Promise<void> {
  const text = search.text;
  if (!text.trim() || search.similar) return;
  await latest(
    (outcome) =>
      getHost().api.search({
        text,
        k: RESULTS_K,
        ...(outcome.filters ? { filters: outcome.filters } : {}),
        ...(outcome.sort !== 'relevance' ? { sort: outcome.sort } : {}),
        ...(search.exact ? { exact: true } : {}),
      }),
    (response) => {
      // The same query asked again (filters, the index changed) keeps the file the user was on; a new
      // query starts at its best result.
      show(response, text === search.answered);
      search.answered = text;
    },
    (err) => {
      search.error = message(err);
      search.answered = text;
    },
  );
}

/** Search the query exactly as typed: the "search instead for …" of a spelling correction. */
export function searchExactly(): void {
  search.exact = true;
  clearTimeout(timer);
  void runSearch();
}

/** Puts an answer on screen: the selection stays on the same file when asked and it is still there, else the first. */
function show(response: SearchResponse, keepSelection: boolean): void {
  const keep = keepSelection ? selectedHit()?.path : undefined;
  previews.clear();
  search.response = response;
  search.error = null;
  const again = keep ? response.hits.findIndex((h) => h.path === keep) : -1;
  search.selected = again >= 0 ? again : response.hits.length ? 0 : -1;
  // A file that is not in the new answer is not left in the preview while the new one loads.
  if (search.preview && !response.hits.some((h) => h.path === search.preview!.path)) search.preview = null;
  void showPreview();
}

/** Re-run the open list after the index changed (debounced like typing). */
export function refreshSearch(): void {
  clearTimeout(timer);
  if (search.similar) timer = setTimeout(() => void runSimilar(), DEBOUNCE_MS);
  else if (search.text.trim()) timer = setTimeout(() => void runSearch(), DEBOUNCE_MS);
}

/** List the files similar to `hit` (the whole file, or the passage shown), keeping the search to come back to. */
export function showSimilar(hit: SearchHit, basis: SimilarSource['basis'] = 'file'): void {
  if (!search.similar) beforeSimilar = { response: search.response, selected: search.selected, error: search.error };
  search.similar = { path: hit.path, name: hit.name, chunkId: hit.best.chunkId, passage: { text: hit.best.text, location: hit.best.location, highlight: hit.best.highlight }, basis };
  clearTimeout(timer);
  void runSimilar();
}

/** Compare with the whole file or with the passage shown, for the similar files on screen. */
export function setSimilarBasis(basis: SimilarSource['basis']): void {
  if (!search.similar || search.similar.basis === basis) return;
  search.similar = { ...search.similar, basis };
  void runSimilar();
}

async function runSimilar(): Promise<void> {
  const source = search.similar;
  if (!source) return;
  await latest(
    (outcome) =>
      getHost().api.similarTo({
        path: source.path,
        ...(source.basis === 'passage' ? { chunkId: source.chunkId } : {}),
        k: RESULTS_K,
        ...(outcome.filters ? { filters: outcome.filters } : {}),
      }),
    (response) => show(response, false),
    (err) => {
      clearResults();
      search.error = message(err);
    },
  );
}

function leaveSimilar(): void {
  search.similar = null;
  beforeSimilar = null;
}

/** Back from the similar files to the search's results as they were, selection included. */
export function backToSearch(): void {
  const saved = beforeSimilar;
  leaveSimilar();
  sequence++;
  search.busy = false;
  if (saved) {
    previews.clear();
    Object.assign(search, { response: saved.response, selected: saved.selected, error: saved.error });
    void showPreview();
  } else {
    void runSearch();
  }
}

export function selectedHit(): SearchHit | undefined {
  return search.response?.hits[search.selected];
}

export function move(delta: number): void {
  const n = search.response?.hits.length ?? 0;
  if (!n) return;
  search.selected = Math.min(n - 1, Math.max(0, search.selected + delta));
  void showPreview();
}

export function select(index: number): void {
  search.selected = index;
  void showPreview();
}

function fetchPreview(hit: SearchHit): Promise<Preview> {
  const key = `${hit.path}\0${hit.best.start}\0${hit.best.end}`;
  let pending = previews.get(key);
  if (!pending) {
    pending = getHost().api.preview(hit.path, hit.best.start, hit.best.end);
    previews.set(key, pending);
    // A failed preview is asked again next time (the file may be readable by then).
    pending.catch(() => previews.delete(key));
  }
  return pending;
}

/** Show the selected result's passage in its file, and fetch the next one so ↓ is immediate. */
export async function showPreview(): Promise<void> {
  const hit = selectedHit();
  const mine = ++previewSequence;
  if (!hit) {
    search.preview = null;
    search.previewError = null;
    return;
  }
  const hits = search.response?.hits ?? [];
  for (const next of hits.slice(search.selected + 1, search.selected + 1 + PREFETCH)) fetchPreview(next).catch(() => undefined);
  try {
    const preview = await fetchPreview(hit);
    if (mine !== previewSequence) return;
    search.preview = preview;
    search.previewError = null;
  } catch (err) {
    if (mine !== previewSequence) return;
    search.preview = null;
    search.previewError = message(err);
  }
}
