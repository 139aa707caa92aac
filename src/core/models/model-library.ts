/**
 * The models on this machine: the shipped one (resources/models), the ones downloaded or added (the
 * data folder's models/), which one is in use, and the hub endpoint downloads come from. One folder
 * per model, each a sentence-transformers folder with a manifest.json that lists the sha256 of every
 * file, so the engine verifies a downloaded or added model exactly as it verifies the shipped one.
 *
 * Two kinds live side by side: sentence-embedding models (one is "in use": it indexes and searches)
 * and re-rankers (CrossEncoders: one may be chosen in Settings.reranker to re-order a search's best
 * passages). A re-ranker cannot index, so `use` refuses it; `reranker()` finds one for searches.
 */
import { cpSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { CatalogueModel, ModelsOverview } from '../../shared/models';
import { isCrossEncoderFolder, readCrossEncoder } from '../embed/cross-encoder-model';
import { DEFAULT_MODEL_NAME, ModelFileError, shippedModelsDir, splitModelChoice, type ModelVariant } from '../embed/model-files';
import { readSentenceModel } from '../embed/sentence-model';
import { BackgroundDownloads } from './background-downloads';
import { CATALOGUE } from './catalogue';
import { downloadFromHub, type DownloadProgress } from './hub-download';
import { keptVariant } from './indexed-variant';
import { LibraryStateFile } from './library-state';
import { writeManifest } from './model-manifest';
import { describeModel, type InstalledModel, type ModelFacts } from './model-overview';
import { defaultValidator, rerankerValidator, type ModelValidator } from './model-validator';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

export interface ModelLibraryOptions {
  /** Trove's data folder: models/ and models.json live here. */
  dataDir: string;
  /** Folder of the shipped models (default: the one holding the shipped model). */
  shippedDir?: string;
  /** How an added or downloaded model is proven to run (default: an embedding process). */
  validate?: ModelValidator;
  /** How an added or downloaded re-ranker is proven to run (default: it scores a pair in an embedding process). */
  validateReranker?: ModelValidator;
  /** Dimension of the vectors an existing index holds for a model id, if any. */
  indexedDimension?: (modelId: string) => number | undefined;
  /** The models offered (default: CATALOGUE; tests serve their own). */
  catalogue?: readonly CatalogueModel[];
}

/** A model name the library cannot act on, with what to do instead. */
export class ModelNotFoundError extends Error {
  override name = 'NotFoundError';
}

/** An installed re-ranker as a search uses it (core/search's RerankerChoice): its name, its label for people, its folder. */
export interface InstalledReranker {
  name: string;
  label: string;
  dir: string;
}

export class ModelLibrary {
  readonly modelsDir: string;
  readonly shippedDir: string;
  private readonly stateFile: LibraryStateFile;
  private readonly downloads = new BackgroundDownloads();

  constructor(private readonly options: ModelLibraryOptions) {
    this.modelsDir = join(options.dataDir, 'models');
    this.shippedDir = options.shippedDir ?? shippedModelsDir();
    this.stateFile = new LibraryStateFile(options.dataDir);
  }

  private get catalogue(): readonly CatalogueModel[] {
    return this.options.catalogue ?? CATALOGUE;
  }

  /** The catalogue entry for a short name or a repository. */
  entry(name: string): CatalogueModel | undefined {
    return this.catalogue.find((m) => m.name === name || m.repo === name);
  }

  /** The model a change of model was under way to when Trove stopped (continued at the next start), if any. */
  get pendingSwitch(): string | null {
    return this.stateFile.read().switching ?? null;
  }

  set pendingSwitch(choice: string | null) {
    this.stateFile.save({ switching: choice });
  }

  get endpoint(): string {
    return process.env.TROVE_HF_ENDPOINT ?? process.env.HF_ENDPOINT ?? this.stateFile.read().endpoint ?? DEFAULT_ENDPOINT;
  }

  setEndpoint(url: string): void {
    const u = new URL(url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(`endpoint must be an http or https URL, got ${url}`);
    this.stateFile.save({ endpoint: url.replace(/\/+$/, '') });
  }

  /** Installed model folders by name: shipped first, then the data folder's (which may not shadow them). */
  installed(): Map<string, InstalledModel> {
    const out = new Map<string, InstalledModel>();
    const scan = (root: string, source: (name: string) => InstalledModel['source']) => {
      if (!existsSync(root)) return;
      for (const e of readdirSync(root, { withFileTypes: true })) {
        if (!e.isDirectory() || /\.(partial|fetched)$/.test(e.name) || out.has(e.name)) continue;
        const dir = join(root, e.name);
        if (existsSync(join(dir, 'modules.json')) || existsSync(join(dir, 'manifest.json'))) {
          out.set(e.name, { dir, source: source(e.name), kind: isCrossEncoderFolder(dir) ? 'reranker' : 'embedding' });
        }
      }
    };
    scan(this.shippedDir, (n) => (n === DEFAULT_MODEL_NAME ? 'shipped' : 'local'));
    scan(this.modelsDir, (n) => (this.entry(n)?.repo ? 'hub' : this.entry(n)?.local ? 'local' : 'folder'));
    return out;
  }

  /** The choice in use: TROVE_MODEL (name or folder, optionally "@variant"), else the saved choice, else the shipped model. */
  private currentChoice(): string {
    const saved = process.env.TROVE_MODEL ?? this.stateFile.read().current;
    const name = saved && splitModelChoice(saved).name;
    const installed = name ? this.installed().get(name) : undefined;
    // A re-ranker written there by hand cannot embed: the shipped model answers instead.
    const usable = installed ? installed.kind === 'embedding' : !!name && existsSync(name) && !isCrossEncoderFolder(name);
    return saved && usable ? saved : DEFAULT_MODEL_NAME;
  }

  /** Name of the model in use (without its variant). */
  currentName(): string {
    return splitModelChoice(this.currentChoice()).name;
  }

  /**
   * The variant for the model in use: the one chosen; else the one the data folder's index was built
   * with (an upgrade that changes the default never re-embeds an index: see indexed-variant.ts); else
   * undefined, the manifest's default.
   */
  currentVariant(): ModelVariant | undefined {
    if (process.env.TROVE_MODEL_DIR) return undefined;
    const chosen = splitModelChoice(this.currentChoice()).variant;
    if (chosen !== undefined) return chosen;
    try {
      const { manifest, baseId } = readSentenceModel(this.currentDir());
      return manifest ? keptVariant(this.options.dataDir, baseId, manifest.default, Object.keys(manifest.variants)) : undefined;
    } catch {
      return undefined; // a damaged folder: loading it gives the engine's message
    }
  }

  /** Folder of the model in use (TROVE_MODEL_DIR still wins, for tests and development). */
  currentDir(): string {
    if (process.env.TROVE_MODEL_DIR) return resolve(process.env.TROVE_MODEL_DIR);
    return this.resolve(this.currentName());
  }

  /**
   * Folder and variant of a choice such as "all-MiniLM-L6-v2", "all-MiniLM-L6-v2@exact" or a folder
   * path, to embed with. A re-ranker is refused here, so `use`, useModel and `--model` all say why.
   */
  resolveChoice(choice: string): { dir: string; variant?: ModelVariant } {
    const { name, variant } = splitModelChoice(choice);
    let dir: string;
    try {
      dir = this.resolve(name);
    } catch (err) {
      // A folder whose own name holds an "@" (not a variant after all).
      if (variant === undefined || !existsSync(choice)) throw err;
      return { dir: this.embeddingFolder(choice, this.resolve(choice)) };
    }
    this.embeddingFolder(name, dir);
    if (variant !== undefined) readSentenceModel(dir, variant); // an unknown variant fails here, naming the manifest
    return { dir, variant };
  }

  /** `dir` when it holds a sentence-embedding model; a re-ranker's folder is refused with what to do instead. */
  private embeddingFolder(name: string, dir: string): string {
    if (!isCrossEncoderFolder(dir)) return dir;
    throw new Error(
      `${name} is a re-ranker (a cross-encoder): it re-orders the best results of a search and cannot index files, so it cannot be the model in use. ` +
        `Choose it for re-ranking instead: Settings → Models → "Use for re-ranking", or \`trove models rerank ${name} --db <index>\``,
    );
  }

  /** The installed re-rankers, by name. */
  rerankers(): Map<string, InstalledModel> {
    return new Map([...this.installed()].filter(([, inst]) => inst.kind === 'reranker'));
  }

  /**
   * The re-ranker installed as `name` (or as the catalogue repository `name`), for searches: null
   * when there is none. With `strict` (choosing one), a name that is not an installed re-ranker, or a
   * re-ranker whose folder cannot be read, throws a message saying what is installed instead.
   */
  reranker(name: string, strict = false): InstalledReranker | null {
    const installed = this.installed();
    const key = installed.has(name) ? name : (this.entry(name)?.name ?? name);
    const inst = installed.get(key);
    if (inst?.kind === 'reranker') {
      let label = this.entry(key)?.label ?? key;
      try {
        label = readCrossEncoder(inst.dir).manifest?.label ?? label;
      } catch (err) {
        // Damaged since it was installed: a search says so (rerankProblem); choosing it now is refused.
        if (strict) throw err;
      }
      return { name: key, label, dir: inst.dir };
    }
    if (!strict) return null;
    const names = [...this.rerankers().keys()];
    const have = names.length ? `installed re-rankers: ${names.join(', ')}` : 'no re-ranker is installed';
    const offered = this.catalogue.filter((m) => m.kind === 'reranker').map((m) => m.name);
    const get = offered.length ? `; download one in Settings → Models or with \`trove models get ${offered[0]}\`` : '';
    if (inst) throw new Error(`${key} is a sentence-embedding model, not a re-ranker (${have}${get})`);
    const entry = this.entry(key);
    if (entry?.kind === 'reranker') throw new ModelNotFoundError(`re-ranker ${entry.name} is not downloaded yet (${have}; download it in Settings → Models or with \`trove models get ${entry.name}\`)`);
    throw new ModelNotFoundError(`no re-ranker named "${name}" (${have}${names.length ? '' : get})`);
  }

  /** A model's folder from its name (catalogue name, folder name or repository) or a folder path. */
  resolve(nameOrFolder: string): string {
    const installed = this.installed();
    const byName = installed.get(nameOrFolder) ?? installed.get(this.entry(nameOrFolder)?.name ?? '');
    if (byName) return byName.dir;
    if ((nameOrFolder.includes('/') || nameOrFolder.includes('\\')) && existsSync(nameOrFolder) && statSync(nameOrFolder).isDirectory()) return resolve(nameOrFolder);
    const entry = this.entry(nameOrFolder);
    if (entry?.repo) throw new ModelNotFoundError(`model ${entry.name} is not downloaded yet: run \`trove models get ${entry.name}\` (about ${Math.round(entry.bytes / 1e6)} MB)`);
    if (entry?.local) throw new ModelNotFoundError(`model ${entry.name} is built on this machine by tools/model (see its README); it is not installed`);
    throw new ModelNotFoundError(`no model named "${nameOrFolder}" (installed: ${[...installed.keys()].join(', ')}; see \`trove models list\`)`);
  }

  overview(): ModelsOverview {
    const installed = this.installed();
    const current = this.currentName();
    const facts = (name: string, entry: CatalogueModel | undefined): ModelFacts => ({
      name,
      entry,
      inst: installed.get(name),
      current: name === current,
      currentVariant: () => this.currentVariant(),
      download: this.downloads.progress(name),
    });
    const models = [
      ...this.catalogue.map((entry) => describeModel(facts(entry.name, entry))),
      ...[...installed.keys()].filter((name) => !this.entry(name)).map((name) => describeModel(facts(name, undefined))),
    ];
    return { current, endpoint: this.endpoint, models, switching: null };
  }

  /**
   * A choice as it is written down: the installed name (else the folder's path) and the variant; it
   * must be installed and readable. `pinVariant` writes the variant loaded even when the choice named
   * none, so a later change of the manifest's default cannot change the weights of an index moved to it.
   */
  savedChoice(choice: string, pinVariant = false): string {
    const { dir, variant } = this.resolveChoice(choice);
    const loaded = readSentenceModel(dir, variant).variant;
    const name = splitModelChoice(choice).name;
    const base = this.installed().has(name) ? name : dir;
    const kept = pinVariant ? loaded : variant;
    return kept === undefined ? base : `${base}@${kept}`;
  }

  /** Choose the model (and optionally its variant: "name@int8", "name@exact") to embed with; it must be installed, readable and not a re-ranker. */
  use(choice: string): void {
    this.stateFile.save({ current: this.savedChoice(choice) });
  }

  /** Delete a downloaded or added model. */
  remove(name: string): void {
    const inst = this.installed().get(name);
    if (!inst) throw new ModelNotFoundError(`no installed model named "${name}"`);
    if (!inst.dir.startsWith(this.modelsDir + '/') && !inst.dir.startsWith(this.modelsDir + '\\')) {
      throw new Error(`${name} ships with Trove and cannot be removed`);
    }
    if (this.currentName() === name) throw new Error(`${name} is the model in use: choose another one first (\`trove models use <name>\`)`);
    rmSync(inst.dir, { recursive: true, force: true });
  }

  /** How a folder of `kind` is proven to run before it is installed. */
  private validator(kind: 'embedding' | 'reranker'): ModelValidator {
    if (kind === 'reranker') return this.options.validateReranker ?? ((d: string) => rerankerValidator(d));
    return this.options.validate ?? ((d: string) => defaultValidator(d));
  }

  /**
   * Check a sentence-transformers folder (a bi-encoder, or a CrossEncoder re-ranker), prove it runs,
   * and copy it in with a manifest. Nothing is copied unless every check passes; the current model is
   * not touched.
   */
  async add(folder: string, name = basename(resolve(folder))): Promise<string> {
    const src = resolve(folder);
    const kind = isCrossEncoderFolder(src) ? 'reranker' : 'embedding';
    // Read as what it is (a re-ranker has no vectors, so no dimension to match the index's).
    const manifest = kind === 'reranker' ? readCrossEncoder(src).manifest : this.checkEmbedding(src, name);
    if (this.installed().has(name)) throw new Error(`a model named "${name}" is already installed (remove it first, or rename the folder)`);
    const staging = join(this.modelsDir, `${name}.partial`);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(this.modelsDir, { recursive: true });
    cpSync(src, staging, { recursive: true, dereference: true });
    try {
      if (!manifest) writeManifest(staging, { id: name, reranker: kind === 'reranker' });
      await this.validator(kind)(staging);
      renameSync(staging, join(this.modelsDir, name));
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      throw err;
    }
    return name;
  }

  /** A sentence-embedding folder's manifest, after checking its vectors fit the index's for the same model id. */
  private checkEmbedding(src: string, name: string): ReturnType<typeof readSentenceModel>['manifest'] {
    const model = readSentenceModel(src);
    const known = this.options.indexedDimension?.(model.manifest?.id ?? name);
    if (known !== undefined && known !== model.dimension) {
      const path = join(src, 'modules.json');
      throw new ModelFileError(`dimension mismatch: ${src} gives ${model.dimension}-dimensional vectors, the index holds ${known}-dimensional ones for model ${model.manifest?.id ?? name}`, path);
    }
    return model.manifest;
  }

  /** Download a catalogued model (resuming any earlier attempt), verify it, and install it. */
  async download(name: string, onProgress?: (p: DownloadProgress) => void, signal?: AbortSignal): Promise<string> {
    const entry = this.entry(name);
    if (!entry?.repo || !entry.revision) throw new ModelNotFoundError(entry ? `${entry.name} cannot be downloaded (it ${entry.shipped ? 'ships with Trove' : 'is built on this machine by tools/model'})` : `no model named "${name}" in the catalogue (see \`trove models list\`)`);
    const dest = join(this.modelsDir, entry.name);
    if (this.installed().has(entry.name)) return entry.name;
    const fetched = `${dest}.fetched`;
    mkdirSync(this.modelsDir, { recursive: true });
    await downloadFromHub({ endpoint: this.endpoint, repo: entry.repo, revision: entry.revision, files: entry.files, dest: fetched, signal, onProgress });
    try {
      const kind = entry.kind ?? 'embedding';
      if (kind === 'reranker') {
        writeManifest(fetched, { id: entry.repo, label: entry.label, reranker: true, purpose: entry.purpose, languages: entry.languages, licence: entry.licence });
      } else {
        writeManifest(fetched, { id: entry.repo, label: entry.label, similarity: entry.similarity, prompts: entry.prompts as Record<string, string> | undefined });
      }
      const { dimension } = await this.validator(kind)(fetched);
      if (dimension !== entry.dimension) {
        throw new ModelFileError(`dimension mismatch: ${entry.repo}@${entry.revision} from ${this.endpoint} gives ${dimension}-dimensional vectors, the catalogue says ${entry.dimension}`, fetched);
      }
      renameSync(fetched, dest);
    } catch (err) {
      rmSync(fetched, { recursive: true, force: true });
      throw err;
    }
    return entry.name;
  }

  /** Start a background download the UI polls through overview(); a second call while running is a no-op. */
  startDownload(name: string): void {
    const entry = this.entry(name);
    if (!entry) throw new ModelNotFoundError(`no model named "${name}" in the catalogue`);
    this.downloads.start(entry.name, entry.bytes, (n, onProgress, signal) => this.download(n, onProgress, signal));
  }

  cancelDownload(name: string): Promise<void> {
    return this.downloads.cancel(this.entry(name)?.name ?? name);
  }

  /** The background download's outcome (for tests and the CLI). */
  whenDownloaded(name: string): Promise<void> {
    return this.downloads.whenDone(this.entry(name)?.name ?? name);
  }
}
