/**
 * Opens the engine: the embedding process, the tokenizer that cuts passages, the folders-and-search
 * service and the question banks over the same model and data folder. Hosts (Electron main, the web
 * host, `serve`) do not call this themselves: it runs in the engine process (src/worker/engine-worker.ts),
 * which they reach through core/host's EngineClient; tests of the engine's internals call it directly.
 */
import { EventEmitter } from 'node:events';
import { EmbedderProcess } from './embed/embedder-process';
import type { WorkerLauncher } from './embed/protocol';
import { loadTokenCounter } from './embed/tokenizer';
import { createModelsApi } from './models/models-api';
import { ModelLibrary } from './models/model-library';
import { defaultValidator, rerankerValidator } from './models/model-validator';
import { defaultDataDir } from './questions/app-data-dir';
import { createQuestionService } from './questions/question-service';
import { createQuestionsApi } from './questions/questions-api';
import type { TroveListener, TroveService } from './trove-service';
import { createTroveEngine } from './service/create-service';
import { SwitchableEmbedder } from './embed/switchable-embedder';
import type { TokenCounter } from './embed/types';
import type { EventName } from '../shared/api';
import type { Device } from '../shared/types';
import { SettingsFile } from './settings';
import type { ModelsApi } from '../shared/models';
import type { QuestionsApi } from '../shared/questions-api';

export interface OpenTroveOptions {
  /** Settings, the index database and questions.db live here. */
  dataDir: string;
  /** The model folder (default: the one chosen in the data folder's model manager, else the shipped model). */
  modelDir?: string;
  /** Its weights, e.g. "int8" or "exact" (default: the model manager's choice for its model, else the manifest's default). */
  variant?: string;
  /** Where the shipped models are (default: the project's resources/models). */
  shippedModelsDir?: string;
  /**
   * The data folder whose models/ and models.json the model manager keeps (default: `dataDir`; with
   * `dbPath`, the CLI's own data folder — see modelsHome below).
   */
  modelsDataDir?: string;
  /** Where the model runs for this run (the CLI's --device); default: the data folder's Settings.device, which the API can change. */
  device?: Device;
  /** How to start the embedding process (default: a Node child process). */
  launch?: WorkerLauncher;
  /** The index database file, watching, reconciling at start: see TroveServiceOptions (the CLI sets them). */
  dbPath?: string;
  watch?: boolean;
  reconcileOnStart?: boolean;
}

/** What a host serves: every method of the UI's API (TroveAppApi), events, and close(). */
export type TroveAppService = TroveService & QuestionsApi & ModelsApi;

/**
 * Where the model manager lives. An engine opened on an index file of its own (`dbPath`: the CLI's
 * --db, with settings.json beside the index) has no data folder of its own for models: the re-ranker
 * its settings name was installed by `trove models get|add` into the CLI's data folder
 * (TROVE_DATA_DIR, else the app's), so that is where it is looked up. The CLI gives the embedding
 * model as a folder (modelDir), so only the re-ranker is found this way.
 */
function modelsHome(options: OpenTroveOptions): string {
  return options.modelsDataDir ?? (options.dbPath ? defaultDataDir() : options.dataDir);
}

export async function openTrove(options: OpenTroveOptions): Promise<TroveAppService> {
  const library = new ModelLibrary({
    dataDir: modelsHome(options),
    shippedDir: options.shippedModelsDir,
    // Proven in an embedding process started the way this process starts its helpers.
    validate: (dir) => defaultValidator(dir, options.launch),
    validateReranker: (dir) => rerankerValidator(dir, options.launch),
  });
  const modelDir = options.modelDir ?? library.currentDir();
  const variant = options.modelDir ? options.variant : (options.variant ?? library.currentVariant());
  // CPU or GPU (Settings.device): every embedding process this engine starts is started with it.
  let device: Device = options.device ?? new SettingsFile(options.dataDir).get().device;
  const [model, counter] = await Promise.all([
    EmbedderProcess.start({ modelDir, variant, device, launch: options.launch }),
    loadTokenCounter(modelDir),
  ]);
  // One embedder for search, indexing and the banks, whose model a change of model swaps in place.
  const embedder = new SwitchableEmbedder(model, counter);
  try {
    // Bound below, once the model manager exists: status() says whether a change of model is under way.
    let modelSwitch: () => ReturnType<ReturnType<typeof createModelsApi>['switchSummary']> = () => null;
    const { dataDir, dbPath, watch, reconcileOnStart } = options;
    const { service, corpus, announceIndexChanged } = await createTroveEngine({
      dataDir,
      dbPath,
      watch,
      reconcileOnStart,
      embedder,
      tokenCounter: embedder.tokenCounter,
      modelSwitch: () => modelSwitch(),
      // Settings.reranker names a re-ranker of the model manager: looked up at each search, so one
      // removed or damaged since it was chosen is noticed there.
      reranker: (name, strict) => library.reranker(name, strict),
    });
    let questions;
    try {
      questions = createQuestionService({ dataDir: options.dataDir, embedder });
    } catch (err) {
      await service.close();
      throw err;
    }
    // Import progress comes from the question banks, the other events from the folders-and-search engine.
    const imports = new EventEmitter().setMaxListeners(0);
    const { settled, stop, switchSummary, ...modelsApi } = createModelsApi(library, {
      validate: (dir) => defaultValidator(dir, options.launch),
      startEmbedder: (dir, v) => EmbedderProcess.start({ modelDir: dir, variant: v, device, launch: options.launch }),
      live: { engine: embedder, corpus, banks: questions.modelSwitch, tokenCounter: loadTokenCounter, onChanged: announceIndexChanged },
      // A model given by the host (or TROVE_MODEL_DIR) is not replaced by a change left from an earlier run.
      resume: !options.modelDir && !process.env.TROVE_MODEL_DIR,
    });
    void settled;
    modelSwitch = switchSummary;
    // Removing the chosen re-ranker also un-chooses it: searches go back to the first stage's order
    // instead of naming a re-ranker that is gone.
    const removeModel: typeof modelsApi.removeModel = async (name) => {
      const chosen = (await service.getSettings()).reranker;
      const chosenName = chosen ? library.reranker(chosen)?.name : undefined;
      const overview = await modelsApi.removeModel(name);
      if (chosen && (chosen === name || chosenName === name)) await service.setSettings({ reranker: null });
      return overview;
    };
    // A change of device starts the model's process again on it and swaps it in: the same model and
    // weights, whose vectors passed the same check there, so nothing is embedded again.
    const setSettings: typeof service.setSettings = async (patch) => {
      const after = await service.setSettings(patch);
      if (!options.device && after.device !== device) {
        device = after.device;
        await restartOn(embedder, device, options.launch, loadTokenCounter);
      }
      return after;
    };
    const app: TroveAppService = {
      ...service,
      setSettings,
      ...createQuestionsApi(questions, (p) => imports.emit('importProgress', p)),
      ...modelsApi,
      removeModel,
      on<E extends EventName>(event: E, listener: TroveListener<E>): () => void {
        if (event !== 'importProgress') return service.on(event, listener);
        imports.on(event, listener);
        return () => imports.off(event, listener);
      },
      close: async () => {
        // A change of model under way stops here and continues at the next start. Neither service
        // owns the embedder it was given: it stops when both have stopped.
        await stop();
        await Promise.allSettled([service.close(), questions.close()]);
        await embedder.close();
      },
    };
    return app;
  } catch (err) {
    await embedder.close();
    throw err;
  }
}

/**
 * The running model on `device`: a new embedding process for the same folder and weights, swapped in
 * once it is ready; the old one is closed when the calls it is answering are done.
 */
async function restartOn(embedder: SwitchableEmbedder, device: Device, launch: WorkerLauncher | undefined, counterFor: (dir: string) => Promise<TokenCounter>): Promise<void> {
  const running = embedder.model;
  if (!(running instanceof EmbedderProcess)) return;
  const { modelDir, variant } = running.startedWith;
  const next = await EmbedderProcess.start({ modelDir, variant, device, launch });
  // The weights load at start on a GPU (and say where they run); on the CPU they load on first use, as at start.
  if (next.modelId !== running.modelId) {
    await next.close();
    throw new Error(`the model could not be started again on ${device}: it gave ${next.modelId}, not ${running.modelId}`);
  }
  const previous = embedder.swap(next, await counterFor(modelDir));
  void embedder.drained(previous).then(() => previous.close());
}
