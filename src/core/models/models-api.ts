/**
 * The model manager behind the UI's API (ModelsApi): a thin layer over ModelLibrary that turns each
 * call into the overview the Settings panel shows. Choosing a model for the running engine embeds the
 * index's stored passages and the banks' questions with the new model in its own embedding process,
 * in the background, while the current model keeps answering; then the engine changes over in place
 * (live-switch.ts). The choice is remembered until the change-over, so a kill midway continues at the
 * next start from what was already embedded.
 */
import { existsSync } from 'node:fs';
import type { IndexVectorSet, ModelSwitch, ModelsApi, ModelsOverview } from '../../shared/models';
import { reembedIndex, ReembedCancelled } from '../corpus/reembed';
import type { Embedder } from '../embed/types';
import { switchLive, type LiveEngine } from './live-switch';
import type { ModelLibrary } from './model-library';

export interface ModelsApiOptions {
  /** Proves a model folder runs before it is chosen. */
  validate: (dir: string) => Promise<unknown>;
  /** The index whose passages follow the chosen model when no engine is running (none: the choice applies at once). */
  dbPath?: string;
  /** Starts an embedder for a model folder and variant (an embedding process in the app). */
  startEmbedder?: (dir: string, variant?: string) => Promise<Embedder>;
  /** The running engine: changed over in place when the new model's vectors are complete. */
  live?: LiveEngine;
  /** Continue a change of model a previous run left unfinished (default true; off when the host fixed the model). */
  resume?: boolean;
}

export function createModelsApi(
  library: ModelLibrary,
  options: ModelsApiOptions,
): ModelsApi & {
  /** Resolves when the change of model under way (if any) has ended. */
  settled(): Promise<void>;
  /** Stop a change of model because Trove is closing: it continues at the next start. */
  stop(): Promise<void>;
  /** The change of model under way, in brief (status()); null when none. */
  switchSummary(): { to: string; stage: 'passages' | 'questions'; done: number; total: number } | null;
} {
  let switching: ModelSwitch | null = null;
  let controller: AbortController | null = null;
  let closing = false;
  /** Model id the running change of model embeds with (vectors that must not be dropped meanwhile). */
  let target: string | null = null;
  let running: Promise<void> = Promise.resolve();
  const { live } = options;

  const indexSets = (): IndexVectorSet[] =>
    live
      ? live.corpus.vectorSets().map((s) => ({
          modelId: s.modelId,
          dimension: s.dimension,
          vectors: s.vectors,
          passages: s.passages,
          complete: s.complete,
          files: s.files,
          bytes: s.bytes,
          inUse: s.inUse,
        }))
      : [];
  const overview = async (): Promise<ModelsOverview> => ({
    ...library.overview(),
    switching: switching && { ...switching },
    index: indexSets(),
    banks: live?.banks?.banks().map((b) => ({ bank: b.bank, modelId: b.modelId, questions: b.questions })) ?? [],
  });

  /** The running engine moves to `choice`; the current model answers until the change-over. */
  async function moveLive(engine: LiveEngine, choice: string, dir: string, variant: string | undefined): Promise<void> {
    const state: ModelSwitch = { to: choice, from: engine.engine.modelId, state: 'embedding', stage: 'passages', done: 0, total: 0, embedded: 0, passagesPerSecond: 0, etaSeconds: null };
    switching = state;
    controller = new AbortController();
    library.pendingSwitch = choice;
    let embedder: Embedder | null = null;
    try {
      embedder = await options.startEmbedder!(dir, variant);
      target = embedder.modelId;
      const tokenCounter = await engine.tokenCounter(dir);
      const previous = await switchLive(engine, { embedder, tokenCounter }, { signal: controller.signal, onProgress: (p) => Object.assign(state, p) });
      embedder = null; // the engine's now
      library.use(choice);
      library.pendingSwitch = null;
      state.state = 'done';
      // Searches and batches already sent to the previous model finish before it stops.
      await engine.engine.drained(previous);
      await previous.close();
    } catch (err) {
      state.state = err instanceof ReembedCancelled ? 'cancelled' : 'failed';
      state.error = (err as Error).message;
      // A model that cannot run is not tried again at the next start, nor one cancelled; one stopped by closing is.
      if (!closing) library.pendingSwitch = null;
    } finally {
      controller = null;
      target = null;
      await embedder?.close();
    }
  }

  /** Without a running engine: move the index file now, the new model is used from the next start. */
  async function moveIndexFile(name: string, dir: string, variant: string | undefined): Promise<void> {
    const state: ModelSwitch = { to: name, from: '', state: 'embedding', stage: 'passages', done: 0, total: 0, embedded: 0, passagesPerSecond: 0, etaSeconds: null };
    switching = state;
    controller = new AbortController();
    let embedder: Embedder | null = null;
    try {
      embedder = await options.startEmbedder!(dir, variant);
      await reembedIndex(options.dbPath!, embedder, { signal: controller.signal, onProgress: (p) => Object.assign(state, p) });
      library.use(name);
      state.state = 'done';
    } catch (err) {
      state.state = err instanceof ReembedCancelled ? 'cancelled' : 'failed';
      state.error = (err as Error).message;
    } finally {
      controller = null;
      await embedder?.close();
    }
  }

  async function startSwitch(choice: string): Promise<void> {
    // "name@exact" / "name@int8" choose the weights too; a variant's vectors are a set of their own.
    const { dir, variant } = library.resolveChoice(choice);
    // Prove the model runs before it is chosen: a broken one must not replace a working one.
    await options.validate(dir);
    if (live && options.startEmbedder) running = moveLive(live, choice, dir, variant);
    else if (options.dbPath && options.startEmbedder && existsSync(options.dbPath)) running = moveIndexFile(choice, dir, variant);
    else library.use(choice);
  }

  // Stopped (or killed) during a change of model: continue it from what was embedded.
  // (Not validated again: it ran when chosen, and a model that no longer loads fails the change with its reason.)
  const pending = live && options.startEmbedder && options.resume !== false ? library.pendingSwitch : null;
  if (pending) {
    try {
      const { dir, variant } = library.resolveChoice(pending);
      running = moveLive(live!, pending, dir, variant);
    } catch (err) {
      library.pendingSwitch = null;
      switching = { to: pending, from: live!.engine.modelId, state: 'failed', stage: 'passages', done: 0, total: 0, embedded: 0, passagesPerSecond: 0, etaSeconds: null, error: (err as Error).message };
    }
  }

  return {
    listModels: overview,
    async downloadModel(name) {
      library.startDownload(name);
      return overview();
    },
    async cancelModelDownload(name) {
      await library.cancelDownload(name);
      return overview();
    },
    async useModel(name) {
      if (switching?.state === 'embedding') throw new Error(`the index is still moving to ${switching.to}; wait for it to finish or cancel it`);
      await startSwitch(name);
      return overview();
    },
    async cancelModelSwitch() {
      controller?.abort();
      await running;
      return overview();
    },
    async removeModel(name) {
      const ids = library.overview().models.find((m) => m.name === name)?.id ?? null;
      library.remove(name);
      // Its vectors of every variant go with it ("model" and "model@int8").
      if (ids && live) {
        const base = ids.split('@')[0];
        for (const s of indexSets()) if (!s.inUse && s.modelId.split('@')[0] === base) dropVectors(s.modelId);
      }
      return overview();
    },
    async dropModelVectors(modelId) {
      dropVectors(modelId);
      return overview();
    },
    async addModelFolder(path) {
      await library.add(path);
      return overview();
    },
    async setModelEndpoint(url) {
      library.setEndpoint(url);
      return overview();
    },
    settled: () => running,
    switchSummary: () => (switching?.state === 'embedding' ? { to: switching.to, stage: switching.stage, done: switching.done, total: switching.total } : null),
    async stop() {
      closing = true;
      controller?.abort();
      await running;
    },
  };

  function dropVectors(modelId: string): void {
    if (!live) throw new Error('no index is open');
    if (modelId === live.engine.modelId) throw new Error(`${modelId} is the model in use: its vectors answer searches`);
    if (modelId === target) throw new Error(`the index is moving to ${modelId}; cancel that first`);
    if (live.corpus.dropVectors(modelId) === 0 && !live.banks) throw new Error(`the index holds no vectors of ${modelId}`);
    live.banks?.dropModel(modelId);
  }
}
