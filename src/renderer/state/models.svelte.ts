/**
 * The model manager as the Settings panel shows it. Downloads run in the engine; while one is going
 * on the overview is polled twice a second for bytes, rate and ETA (no event stream needed).
 * Re-rankers are chosen and switched on or off through the settings (Settings.reranker, .rerank);
 * the search on screen is asked again, so its "Re-ranked by …" line follows the choice.
 */
import type { ModelsOverview } from '../../shared/models';
import type { Settings } from '../../shared/types';
import { app, getHost, refreshModel, refreshSettings, saveSettings } from './app.svelte';
import { attempt } from './errors.svelte';
import { refreshSearch } from './search.svelte';

export const models = $state({ overview: null as ModelsOverview | null, busy: false });

let timer: ReturnType<typeof setTimeout> | null = null;

function apply(o: ModelsOverview | undefined): void {
  if (!o) return;
  // The engine changed over in place: what the status line and Settings say about the model is stale.
  if (models.overview?.switching?.state === 'embedding' && o.switching?.state === 'done') void refreshModel();
  models.overview = o;
  const active =
    o.switching?.state === 'embedding' || o.models.some((m) => m.download && (m.download.state === 'downloading' || m.download.state === 'verifying'));
  if (active && !timer) timer = setTimeout(() => ((timer = null), void refreshModels()), 500);
}

export async function refreshModels(): Promise<void> {
  apply(await attempt(() => getHost().api.listModels()));
}

/** Run one manager call with the buttons disabled; a refusal shows in the error banner. */
async function act(call: () => Promise<ModelsOverview>): Promise<boolean> {
  models.busy = true;
  try {
    const o = await attempt(call);
    apply(o);
    return o !== undefined;
  } finally {
    models.busy = false;
  }
}

export const downloadModel = (name: string) => act(() => getHost().api.downloadModel(name));
export const cancelDownload = (name: string) => act(() => getHost().api.cancelModelDownload(name));
export const useModel = (name: string) => act(() => getHost().api.useModel(name));
export async function removeModel(name: string): Promise<boolean> {
  const removed = await act(() => getHost().api.removeModel(name));
  // The engine un-chooses a re-ranker it removes: the toggle and the results follow.
  if (removed && app.settings?.reranker === name) {
    await refreshSettings();
    refreshSearch();
  }
  return removed;
}
export const cancelSwitch = () => act(() => getHost().api.cancelModelSwitch());
export const dropModelVectors = (modelId: string) => act(() => getHost().api.dropModelVectors(modelId));
export const addModelFolder = (path: string) => act(() => getHost().api.addModelFolder(path));
export const setEndpoint = (url: string) => act(() => getHost().api.setModelEndpoint(url));

/** Choose a re-ranker (and switch re-ranking on), stop re-ranking (null), or switch it on or off; the results are asked again. */
async function rerankSettings(patch: Pick<Partial<Settings>, 'reranker' | 'rerank'>): Promise<boolean> {
  models.busy = true;
  try {
    const saved = await saveSettings(patch);
    if (saved) refreshSearch();
    return saved;
  } finally {
    models.busy = false;
  }
}

export const useReranker = (name: string) => rerankSettings({ reranker: name, rerank: true });
export const stopReranking = () => rerankSettings({ reranker: null });
export const setRerank = (on: boolean) => rerankSettings({ rerank: on });
