/**
 * The models on this machine: the shipped one (resources/models), the ones downloaded or added (the
 * data folder's models/), which one is in use, and the hub endpoint downloads come from. One folder
 * per model, each a sentence-transformers folder with a manifest.json that lists the sha256 of every
 * file, so the engine verifies a downloaded or added model exactly as it verifies the shipped one.
 */
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import type { CatalogueModel, ModelDownload, ModelEntry, ModelsOverview } from '../../shared/models';
import { modelsFileSchema, parseStoredJson } from '../../shared/stored-files';
import { DEFAULT_MODEL_NAME, ModelFileError, shippedModelsDir, splitModelChoice, type ModelManifest, type ModelVariant } from '../embed/model-files';
import type { WorkerLauncher } from '../embed/protocol';
import { readSentenceModel } from '../embed/sentence-model';
import { CATALOGUE } from './catalogue';
import { keptVariant } from './indexed-variant';
import { downloadFromHub, DownloadError, type DownloadProgress } from './hub-download';

export const DEFAULT_ENDPOINT = 'https://huggingface.co';

/** Starts the model in a real embedding process and encodes a text: proves the graph loads and runs. */
export type ModelValidator = (dir: string) => Promise<{ modelId: string; dimension: number }>;

export interface ModelLibraryOptions {
  /** Trove's data folder: models/ and models.json live here. */
  dataDir: string;
  /** Folder of the shipped models (default: the one holding the shipped model). */
  shippedDir?: string;
  /** How an added or downloaded model is proven to run (default: an embedding process). */
  validate?: ModelValidator;
  /** Dimension of the vectors an existing index holds for a model id, if any. */
  indexedDimension?: (modelId: string) => number | undefined;
  /** The models offered (default: CATALOGUE; tests serve their own). */
  catalogue?: readonly CatalogueModel[];
}

interface LibraryState {
  current?: string;
  endpoint?: string;
  /** A change of the running engine's model not finished yet (the choice): the next start continues it. */
  switching?: string | null;
}

/** A model name the library cannot act on, with what to do instead. */
export class ModelNotFoundError extends Error {
  override name = 'NotFoundError';
}

const hashFile = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

function listFiles(dir: string, base = dir): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path, base));
    else if (entry.isFile()) out.push(relative(base, path).split('\\').join('/'));
  }
  return out.sort();
}

/** A manifest for a folder that has none: the sha256 of every file, so later damage is caught. */
export function writeManifest(dir: string, fields: { id: string; label?: string; similarity?: 'cosine' | 'dot'; prompts?: Record<string, string> }): ModelManifest {
  const model = readSentenceModel(dir);
  const files: ModelManifest['files'] = {};
  for (const f of listFiles(dir)) {
    if (f === 'manifest.json') continue;
    files[f] = { sha256: hashFile(join(dir, f)), bytes: statSync(join(dir, f)).size };
  }
  const manifest: ModelManifest = {
    id: fields.id,
    ...(fields.label ? { label: fields.label } : {}),
    dimension: model.dimension,
    maxSeqLength: model.maxSeqLength,
    ...(fields.similarity ? { similarity: fields.similarity } : {}),
    ...(fields.prompts ? { prompts: fields.prompts } : {}),
    variants: { fp32: model.onnxFile },
    default: 'fp32',
    files,
  };
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

export class ModelLibrary {
  readonly modelsDir: string;
  readonly shippedDir: string;
  private readonly statePath: string;
  private readonly downloads = new Map<string, { download: ModelDownload; controller: AbortController; done: Promise<void> }>();

  constructor(private readonly options: ModelLibraryOptions) {
    this.modelsDir = join(options.dataDir, 'models');
    this.shippedDir = options.shippedDir ?? shippedModelsDir();
    this.statePath = join(options.dataDir, 'models.json');
  }

  private get catalogue(): readonly CatalogueModel[] {
    return this.options.catalogue ?? CATALOGUE;
  }

  /** The catalogue entry for a short name or a repository. */
  entry(name: string): CatalogueModel | undefined {
    return this.catalogue.find((m) => m.name === name || m.repo === name);
  }

  /** models.json; none yet is no choice. A broken one is an error: guessed as none, it would quietly swap the model. */
  private state(): LibraryState {
    let text: string;
    try {
      text = readFileSync(this.statePath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw err;
    }
    return parseStoredJson(modelsFileSchema, text, this.statePath);
  }

  private save(patch: LibraryState): void {
    mkdirSync(this.options.dataDir, { recursive: true });
    const tmp = `${this.statePath}.tmp`;
    writeFileSync(tmp, JSON.stringify({ ...this.state(), ...patch }, null, 2));
    renameSync(tmp, this.statePath);
  }

  /** The model a change of model was under way to when Trove stopped (continued at the next start), if any. */
  get pendingSwitch(): string | null {
    return this.state().switching ?? null;
  }

  set pendingSwitch(choice: string | null) {
    this.save({ switching: choice });
  }

  get endpoint(): string {
    return process.env.TROVE_HF_ENDPOINT ?? process.env.HF_ENDPOINT ?? this.state().endpoint ?? DEFAULT_ENDPOINT;
  }

  setEndpoint(url: string): void {
    const u = new URL(url);
    if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(`endpoint must be an http or https URL, got ${url}`);
    this.save({ endpoint: url.replace(/\/+$/, '') });
  }

  /** Installed model folders by name: shipped first, then the data folder's (which may not shadow them). */
  installed(): Map<string, { dir: string; source: ModelEntry['source'] }> {
    const out = new Map<string, { dir: string; source: ModelEntry['source'] }>();
    const scan = (root: string, source: (name: string) => ModelEntry['source']) => {
      if (!existsSync(root)) return;
      for (const e of readdirSync(root, { withFileTypes: true })) {
        if (!e.isDirectory() || /\.(partial|fetched)$/.test(e.name) || out.has(e.name)) continue;
        const dir = join(root, e.name);
        if (existsSync(join(dir, 'modules.json')) || existsSync(join(dir, 'manifest.json'))) out.set(e.name, { dir, source: source(e.name) });
      }
    };
    scan(this.shippedDir, (n) => (n === DEFAULT_MODEL_NAME ? 'shipped' : 'local'));
    scan(this.modelsDir, (n) => (this.entry(n)?.repo ? 'hub' : this.entry(n)?.local ? 'local' : 'folder'));
    return out;
  }

  /** The choice in use: TROVE_MODEL (name or folder, optionally "@variant"), else the saved choice, else the shipped model. */
  private currentChoice(): string {
    const saved = process.env.TROVE_MODEL ?? this.state().current;
    const name = saved && splitModelChoice(saved).name;
    return saved && name && (this.installed().has(name) || existsSync(name)) ? saved : DEFAULT_MODEL_NAME;
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

  /** Folder and variant of a choice such as "all-MiniLM-L6-v2", "all-MiniLM-L6-v2@exact" or a folder path. */
  resolveChoice(choice: string): { dir: string; variant?: ModelVariant } {
    const { name, variant } = splitModelChoice(choice);
    let dir: string;
    try {
      dir = this.resolve(name);
    } catch (err) {
      // A folder whose own name holds an "@" (not a variant after all).
      if (variant === undefined || !existsSync(choice)) throw err;
      return { dir: this.resolve(choice) };
    }
    if (variant !== undefined) readSentenceModel(dir, variant); // an unknown variant fails here, naming the manifest
    return { dir, variant };
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
    const models: ModelEntry[] = [];
    const describe = (name: string, entry: CatalogueModel | undefined): ModelEntry => {
      const inst = installed.get(name);
      let id: string | null = null;
      let label = entry?.label ?? name;
      let dimension = entry?.dimension ?? 0;
      let similarity = entry?.similarity ?? 'cosine';
      let bytes = entry?.bytes ?? 0;
      let base: string | null = null;
      let languages = [...(entry?.languages ?? [])];
      let licence = entry?.licence ?? null;
      let variants: ModelEntry['variants'] = (entry?.variants ?? []).map((v, i) => ({ name: v, label: v, default: i === 0 }));
      let variant: string | null = null;
      if (inst) {
        try {
          const chosen = name === current ? this.currentVariant() : undefined;
          const m = readSentenceModel(inst.dir, chosen);
          id = m.id;
          dimension = m.dimension;
          similarity = m.similarity;
          label = m.manifest?.label ?? label;
          bytes = Object.values(m.manifest?.files ?? {}).reduce((a, f) => a + f.bytes, 0) || bytes;
          const derived = m.manifest?.derivedFrom;
          base = typeof m.manifest?.base === 'string' ? m.manifest.base : derived?.finetuned && typeof derived.model === 'string' ? derived.model : null;
          if (!entry && Array.isArray(m.manifest?.languages)) languages = m.manifest.languages.filter((l) => typeof l === 'string');
          if (!entry && typeof m.manifest?.licence === 'string') licence = m.manifest.licence;
          variant = m.variant;
          const manifest = m.manifest;
          variants = Object.keys(manifest?.variants ?? { [m.variant]: m.onnxFile }).map((v) => ({
            name: v,
            label: manifest?.variantLabels?.[v] ?? v,
            default: v === (manifest?.default ?? m.variant),
          }));
        } catch {
          // A damaged folder still shows, as not installed; using it gives the engine's message.
        }
      }
      return {
        name,
        label,
        id,
        languages,
        dimension,
        similarity,
        licence,
        bytes,
        installed: !!inst && id !== null,
        current: name === current,
        variants,
        variant,
        source: inst?.source ?? (entry?.local ? 'local' : entry?.shipped ? 'shipped' : 'hub'),
        base,
        repo: entry?.repo ?? null,
        revision: entry?.revision ?? null,
        downloadable: !!entry?.repo && !entry.shipped,
        download: this.downloads.get(name)?.download ?? null,
      };
    };
    for (const entry of this.catalogue) models.push(describe(entry.name, entry));
    for (const name of installed.keys()) if (!this.entry(name)) models.push(describe(name, undefined));
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

  /** Choose the model (and optionally its variant: "name@int8", "name@exact") to embed with; it must be installed and readable. */
  use(choice: string): void {
    this.save({ current: this.savedChoice(choice) });
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

  /**
   * Check a sentence-transformers folder, prove it runs, and copy it in with a manifest. Nothing is
   * copied unless every check passes; the current model is not touched.
   */
  async add(folder: string, name = basename(resolve(folder))): Promise<string> {
    const src = resolve(folder);
    const model = readSentenceModel(src);
    const known = this.options.indexedDimension?.(model.manifest?.id ?? name);
    if (known !== undefined && known !== model.dimension) {
      const path = join(src, 'modules.json');
      throw new ModelFileError(`dimension mismatch: ${src} gives ${model.dimension}-dimensional vectors, the index holds ${known}-dimensional ones for model ${model.manifest?.id ?? name}`, path);
    }
    if (this.installed().has(name)) throw new Error(`a model named "${name}" is already installed (remove it first, or rename the folder)`);
    const staging = join(this.modelsDir, `${name}.partial`);
    rmSync(staging, { recursive: true, force: true });
    mkdirSync(this.modelsDir, { recursive: true });
    cpSync(src, staging, { recursive: true, dereference: true });
    try {
      if (!model.manifest) writeManifest(staging, { id: name });
      await (this.options.validate ?? ((d: string) => defaultValidator(d)))(staging);
      renameSync(staging, join(this.modelsDir, name));
    } catch (err) {
      rmSync(staging, { recursive: true, force: true });
      throw err;
    }
    return name;
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
      writeManifest(fetched, { id: entry.repo, label: entry.label, similarity: entry.similarity, prompts: entry.prompts as Record<string, string> | undefined });
      const { dimension } = await (this.options.validate ?? ((d: string) => defaultValidator(d)))(fetched);
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
    if (this.downloads.get(entry.name)?.download.state === 'downloading') return;
    const controller = new AbortController();
    const download: ModelDownload = { state: 'downloading', file: '', bytesDone: 0, bytesTotal: entry.bytes, bytesPerSecond: 0, etaSeconds: null };
    const done = this.download(entry.name, (p) => Object.assign(download, p, { state: p.bytesDone >= p.bytesTotal ? 'verifying' : 'downloading' }), controller.signal).then(
      () => void this.downloads.delete(entry.name),
      (err: unknown) => {
        download.state = err instanceof DownloadError && err.code === 'cancelled' ? 'cancelled' : 'failed';
        download.error = (err as Error).message;
      },
    );
    this.downloads.set(entry.name, { download, controller, done });
  }

  cancelDownload(name: string): Promise<void> {
    const d = this.downloads.get(this.entry(name)?.name ?? name);
    d?.controller.abort();
    return d?.done ?? Promise.resolve();
  }

  /** The background download's outcome (for tests and the CLI). */
  whenDownloaded(name: string): Promise<void> {
    return this.downloads.get(this.entry(name)?.name ?? name)?.done ?? Promise.resolve();
  }
}

/** Start the model in its own embedding process, encode one text, stop it. */
export const defaultValidator = async (dir: string, launch?: WorkerLauncher): Promise<{ modelId: string; dimension: number }> => {
  const { EmbedderProcess } = await import('../embed/embedder-process');
  const proc = await EmbedderProcess.start({ modelDir: dir, threads: 1, launch });
  try {
    await proc.warmup();
    const [v] = await proc.encode(['Trove checks that this model runs.']);
    if (v.length !== proc.dimension) throw new Error(`dimension mismatch: ${dir} gives ${v.length}, the pooling config says ${proc.dimension}`);
    return { modelId: proc.modelId, dimension: proc.dimension };
  } finally {
    await proc.close();
  }
};
