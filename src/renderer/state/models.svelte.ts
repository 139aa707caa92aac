/**
 * The model manager as the Settings panel shows it. Downloads run in the engine; while one is going
 * on the overview is polled twice a second for bytes, rate and ETA (no event stream needed).
 */
import type { ModelsOverview } from '../../shared/models';
import { getHost, refreshModel } from './app.svelte';
import { attempt } from './errors.svelte';

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
export const removeModel = (name: string) => act(() => getHost().api.removeModel(name));
export const cancelSwitch = () => act(() => getHost().api.cancelModelSwitch());
export const dropModelVectors = (modelId: string) => act(() => getHost().api.dropModelVectors(modelId));
export const addModelFolder = (path: string) => act(() => getHost().api.addModelFolder(path));
export const setEndpoint = (url: string) => act(() => getHost().api.setModelEndpoint(url));
