/**
 * What the engine has told the UI: folders, indexing progress, problems, settings, model. Kept fresh by
 * the `progress` and `indexChanged` events; components read it and call the actions below.
 */
import type { AddFolderOptions, FileProblem, FolderInfo, IndexProgress, ModelInfo, Settings } from '../../shared/types';
import type { Host } from '../lib/connect';
import { attempt } from './errors.svelte';
import { prefs } from './prefs.svelte';

export type View = 'search' | 'questions' | 'problems' | 'settings';

export const app = $state({
  /** False until the first folder list arrives, so first run is not flashed at returning users. */
  loaded: false,
  view: 'search' as View,
  folders: [] as FolderInfo[],
  progress: null as IndexProgress | null,
  problems: [] as FileProblem[],
  settings: null as Settings | null,
  model: null as ModelInfo | null,
});

let host: Host;

export function getHost(): Host {
  return host;
}

export async function start(h: Host): Promise<void> {
  host = h;
  h.api.on('progress', (p) => {
    const problemsChanged = p.problems !== app.progress?.problems;
    app.progress = p;
    if (problemsChanged) void refreshProblems();
    if (app.model && !app.model.ready) void refreshModel();
  });
  h.api.on('indexChanged', () => void refreshFolders());
  const [folders, progress, settings] = await Promise.all([
    attempt(() => h.api.listFolders()),
    attempt(() => h.api.status()),
    attempt(() => h.api.getSettings()),
  ]);
  if (folders) app.folders = folders;
  if (progress) app.progress = progress;
  if (settings) applySettings(settings);
  app.loaded = true;
  void refreshProblems();
  void refreshModel();
}

function applySettings(s: Settings) {
  app.settings = s;
  prefs.locale = s.locale;
  prefs.theme = s.theme;
}

export async function refreshFolders(): Promise<void> {
  const folders = await attempt(() => host.api.listFolders());
  if (folders) app.folders = folders;
}

export async function refreshProblems(): Promise<void> {
  const problems = await attempt(() => host.api.problems());
  if (problems) app.problems = problems;
}

export async function refreshModel(): Promise<void> {
  const model = await attempt(() => host.api.modelInfo());
  if (model) app.model = model;
}

/** Add a folder; with `rethrow` the caller handles a refusal (AddFolder asks before a drive or home folder). */
export async function addFolder(path: string, options: AddFolderOptions = {}, rethrow = false): Promise<boolean> {
  const call = () => host.api.addFolder(path, options);
  const folders = rethrow ? await call() : await attempt(call);
  if (folders) app.folders = folders;
  return folders !== undefined;
}

export async function removeFolder(path: string): Promise<void> {
  const folders = await attempt(() => host.api.removeFolder(path));
  if (folders) app.folders = folders;
}

export async function togglePause(): Promise<void> {
  const paused = app.progress?.state === 'paused';
  const progress = await attempt(() => (paused ? host.api.resume() : host.api.pause()));
  if (progress) app.progress = progress;
}

/** The settings again from the engine (after it changed one itself, e.g. un-choosing a removed re-ranker). */
export async function refreshSettings(): Promise<void> {
  const settings = await attempt(() => host.api.getSettings());
  if (settings) applySettings(settings);
}

export async function saveSettings(patch: Partial<Settings>): Promise<boolean> {
  // Theme and language apply at once; the engine's answer confirms them.
  if (patch.locale) prefs.locale = patch.locale;
  if (patch.theme) prefs.theme = patch.theme;
  const settings = await attempt(() => host.api.setSettings(patch));
  if (settings) applySettings(settings);
  else if (app.settings) applySettings(app.settings);
  return settings !== undefined;
}
