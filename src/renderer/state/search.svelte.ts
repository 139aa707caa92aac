/**
 * The search as the user types: debounced, newest answer wins, selection moved with ↑/↓, and the
 * preview of the selected file. Re-runs when the index changes so edits and deletions show up.
 */
import type { Preview, SearchHit, SearchResponse } from '../../shared/types';
import { getHost } from './app.svelte';

export const DEBOUNCE_MS = 150;

export const search = $state({
  text: '',
  response: null as SearchResponse | null,
  busy: false,
  /** The search's own failure (query too long, model still loading): shown where results would be. */
  error: null as string | null,
  selected: -1,
  preview: null as Preview | null,
  previewError: null as string | null,
});

let timer: ReturnType<typeof setTimeout> | undefined;
let sequence = 0;

function message(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.replace(/^Error invoking remote method '[^']+': (\w*Error: )?/, '');
}

export function setQuery(text: string): void {
  search.text = text;
  clearTimeout(timer);
  if (!text.trim()) {
    sequence++;
    Object.assign(search, { response: null, error: null, busy: false, selected: -1, preview: null, previewError: null });
    return;
  }
  timer = setTimeout(() => void runSearch(), DEBOUNCE_MS);
}

export function clearQuery(): void {
  setQuery('');
}

export async function runSearch(): Promise<void> {
  const text = search.text;
  if (!text.trim()) return;
  const mine = ++sequence;
  search.busy = true;
  try {
    const response = await getHost().api.search({ text, k: 20 });
    if (mine !== sequence) return;
    const keep = selectedHit()?.path;
    search.response = response;
    search.error = null;
    const again = keep ? response.hits.findIndex((h) => h.path === keep) : -1;
    search.selected = again >= 0 ? again : response.hits.length ? 0 : -1;
    if (search.preview) await showPreview();
  } catch (err) {
    if (mine !== sequence) return;
    search.error = message(err);
  } finally {
    if (mine === sequence) search.busy = false;
  }
}

/** Re-run the current query after the index changed (debounced like typing). */
export function refreshSearch(): void {
  if (!search.text.trim()) return;
  clearTimeout(timer);
  timer = setTimeout(() => void runSearch(), DEBOUNCE_MS);
}

export function selectedHit(): SearchHit | undefined {
  return search.response?.hits[search.selected];
}

export function move(delta: number): void {
  const n = search.response?.hits.length ?? 0;
  if (!n) return;
  search.selected = Math.min(n - 1, Math.max(0, search.selected + delta));
  if (search.preview) void showPreview();
}

export function select(index: number): void {
  search.selected = index;
  void showPreview();
}

export async function showPreview(): Promise<void> {
  const hit = selectedHit();
  if (!hit) {
    search.preview = null;
    return;
  }
  const mine = sequence;
  try {
    const preview = await getHost().api.preview(hit.path, hit.best.start, hit.best.end);
    if (mine !== sequence) return;
    search.preview = preview;
    search.previewError = null;
  } catch (err) {
    search.preview = null;
    search.previewError = message(err);
  }
}
