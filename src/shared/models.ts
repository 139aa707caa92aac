/**
 * The model manager's half of the UI's API: the catalogue of sentence-transformers models, what is
 * installed, the one in use, downloads from a Hugging Face hub (or a mirror) and models added from a
 * folder. Plain data, validated by the zod schemas below wherever a call crosses a process boundary.
 * Runs everywhere, so no node:* and no electron.
 */
import { z } from 'zod';
import { absPath } from './absolute-path';

/** One model Trove knows how to get, pinned to one commit of its Hugging Face repository. */
export interface CatalogueModel {
  /** Short name used by the CLI and the UI, e.g. "all-MiniLM-L6-v2". */
  name: string;
  /** Name shown to people, with what the model is good at. */
  label: string;
  /** Hugging Face repository ("owner/name"); null for a model only built locally. */
  repo: string | null;
  /** The commit of `repo` every download uses; null for a model only built locally. */
  revision: string | null;
  /** Files fetched from the repository, relative to its root. */
  files: readonly string[];
  /** Approximate download size in bytes (0 when not downloadable). */
  bytes: number;
  /** ISO 639-1 codes of the languages it was trained for; "multilingual" when 50 or more. */
  languages: readonly string[];
  /** Vector length. */
  dimension: number;
  /** How the model scores two texts: cosine similarity, or dot product. */
  similarity: 'cosine' | 'dot';
  /** SPDX licence of the weights. */
  licence: string;
  /** A cross-encoder (re-ranker) rather than a sentence-embedding model (default "embedding"). */
  kind?: 'embedding' | 'reranker';
  /** What it is for, for people (shown in Settings → Models). */
  purpose?: string;
  /** Prompts by role, when the repository's sentence-transformers config does not carry them. */
  prompts?: Readonly<Record<string, string>>;
  /** Ships with Trove (never downloaded, never removed). */
  shipped?: boolean;
  /** Made on this machine by the repo's tools (tools/model), not downloadable. */
  local?: boolean;
  /**
   * Weights on offer besides fp32 ("exact"), made by tools/model (e.g. int8 by quantize_dynamic); the
   * model folder's manifest names their files and which one loads by default.
   */
  variants?: readonly string[];
}

/** A download that is going on or stopped. */
export interface ModelDownload {
  /** "downloading" while bytes flow; "failed" keeps the error; "cancelled" can be resumed by getting it again. */
  state: 'downloading' | 'verifying' | 'failed' | 'cancelled';
  /** File being fetched, relative to the repository root. */
  file: string;
  /** Bytes on disk so far, all files together (a resumed download counts what it already had). */
  bytesDone: number;
  /** Bytes of all files together, as the hub reports them. */
  bytesTotal: number;
  /** Bytes per second over the last few seconds. */
  bytesPerSecond: number;
  /** Seconds left at the current rate; null while unknown. */
  etaSeconds: number | null;
  /** Why it failed, for people (names the file and what to do). */
  error?: string;
}

/** A model in the manager: catalogued, installed, or both. */
export interface ModelEntry {
  /**
   * "embedding": a sentence-embedding model (bi-encoder) that indexes and searches; "reranker": a
   * cross-encoder that re-orders a search's best passages (Settings.reranker), never indexes.
   */
  kind: 'embedding' | 'reranker';
  /** What the model is for, in people's words (a re-ranker's training data and use); null when unknown. */
  purpose: string | null;
  /** Short name (catalogue name, or the folder name of a model added from a folder). */
  name: string;
  /** Name shown to people. */
  label: string;
  /** Model id stored with its vectors (e.g. "sentence-transformers/all-MiniLM-L6-v2"); null until installed. */
  id: string | null;
  /** Languages it was trained for (empty when unknown). */
  languages: string[];
  /** Vector length. */
  dimension: number;
  /** How the model scores two texts. */
  similarity: 'cosine' | 'dot';
  /** Licence, when known. */
  licence: string | null;
  /** Download size (catalogue) or size on disk (installed), in bytes. */
  bytes: number;
  /** On disk and usable. */
  installed: boolean;
  /** The model Trove embeds with. */
  current: boolean;
  /** Its weights on disk ("exact (fp32)", "int8 (faster)" …); the default one loads unless another is chosen. */
  variants: Array<{ name: string; label: string; default: boolean }>;
  /** The variant in use (current model) or loaded by default (others); null until installed. */
  variant: string | null;
  /** Where it came from: shipped with Trove, downloaded from the hub, added from a folder, or built locally. */
  source: 'shipped' | 'hub' | 'folder' | 'local';
  /** The model this one was fine-tuned from (its manifest's `base`, written by tools/model/finetune.py); null otherwise. */
  base: string | null;
  /** Hugging Face repository and pinned revision, for catalogued models. */
  repo: string | null;
  revision: string | null;
  /** Can be fetched with downloadModel. */
  downloadable: boolean;
  /** A download under way or stopped, if any. */
  download: ModelDownload | null;
}

/** Moving the index to another model: its stored passages re-embedded in the background. */
export interface ModelSwitch {
  /** The model being moved to. */
  to: string;
  /** The model answering until the change-over (its id). */
  from: string;
  /**
   * "embedding" while it runs (the current model answers); "done" once the engine searches, indexes and
   * answers questions with the new model (no restart); "failed" keeps the error; "cancelled": the
   * current model stays, what was embedded is kept and choosing the model again continues from it.
   */
  state: 'embedding' | 'done' | 'failed' | 'cancelled';
  /** What is being embedded: the index's passages, then the question banks' questions. */
  stage: 'passages' | 'questions';
  /** Passages (or questions) with a vector from the new model, and all of them. */
  done: number;
  total: number;
  /** Passages and questions this change embedded (0 when the model's vectors were already complete). */
  embedded: number;
  /** Passages per second; seconds left at that rate (null while unknown). */
  passagesPerSecond: number;
  etaSeconds: number | null;
  /** Why it failed, for people. */
  error?: string;
}

/** One model's vectors in the index: several are kept side by side, so switching back is immediate. */
export interface IndexVectorSet {
  /** Model id (with "@variant" for weights other than fp32). */
  modelId: string;
  /** Vector length. */
  dimension: number;
  /** Passages with a vector of this model, and all passages of indexed files. */
  vectors: number;
  passages: number;
  /** Every passage has one: switching to this model embeds nothing. */
  complete: boolean;
  /** Indexed files searched with this model now (all of them for the model in use). */
  files: number;
  /** Bytes its vectors take in the index. */
  bytes: number;
  /** The model searches and indexing use now. */
  inUse: boolean;
}

/** Which model a question bank's vectors come from. */
export interface BankModel {
  bank: string;
  /** Model id of the vectors answering lookups in this bank. */
  modelId: string;
  questions: number;
}

/** The model manager's state. */
export interface ModelsOverview {
  /** Name of the model in use. */
  current: string;
  /** Hub to download from, e.g. "https://huggingface.co" or a mirror. */
  endpoint: string;
  /** Catalogue and installed models, catalogue order first. */
  models: ModelEntry[];
  /** The index moving to another model, if one was chosen in this session. */
  switching: ModelSwitch | null;
  /** The index's vectors per model (empty without an index). */
  index?: IndexVectorSet[];
  /** Each question bank's model. */
  banks?: BankModel[];
}

export interface ModelsApi {
  /** The catalogue, what is installed, the model in use and any downloads. */
  listModels(): Promise<ModelsOverview>;
  /**
   * Start (or resume) downloading a catalogued model in the background; returns at once. Poll
   * listModels for progress. Fails at once when the disk has too little free space or the hub is unreachable.
   */
  downloadModel(name: string): Promise<ModelsOverview>;
  /** Stop a download; what was fetched is kept and a later download resumes from it. */
  cancelModelDownload(name: string): Promise<ModelsOverview>;
  /**
   * Choose an installed model. With an index, its stored passages and the banks' questions are embedded
   * by it in the background (no file is read again; see `switching`) while the current model keeps
   * answering; then the running engine changes over in place. Vectors of every model are kept, so
   * choosing a model whose vectors are complete changes over at once. A kill midway resumes at the
   * next start, without embedding again what was done. A model that fails to load is refused with the
   * reason and the current one keeps working. A re-ranker (kind "reranker") is refused: it cannot
   * index; it is chosen with setSettings({ reranker: name }) instead.
   */
  useModel(name: string): Promise<ModelsOverview>;
  /** Stop a change of model under way: the current model stays; what was embedded is kept for the next try. */
  cancelModelSwitch(): Promise<ModelsOverview>;
  /**
   * Delete a downloaded or added model (not the shipped one, not the one in use), with its vectors in
   * the index and the question banks. Removing the chosen re-ranker also un-chooses it (Settings.reranker
   * becomes null), so searches go back to the first stage's order.
   */
  removeModel(name: string): Promise<ModelsOverview>;
  /** Drop the index's and banks' vectors of a model not in use (a model id from `index`), keeping the model installed. */
  dropModelVectors(modelId: string): Promise<ModelsOverview>;
  /**
   * Check a sentence-transformers folder exported to ONNX (modules.json, pooling, tokenizer, graph) and
   * copy it into Trove's models. A CrossEncoder folder (config.json with one label, tokenizer, graph) is
   * added as a re-ranker, proven by scoring a pair. Refusals name the file at fault; the current model
   * keeps working.
   */
  addModelFolder(path: string): Promise<ModelsOverview>;
  /** Change the hub endpoint downloads use (an https or http URL, e.g. a mirror). */
  setModelEndpoint(url: string): Promise<ModelsOverview>;
}

const modelName = z
  .string()
  .min(1, 'model name is empty')
  .max(200, 'model name is longer than 200 characters')
  .regex(/^[A-Za-z0-9][A-Za-z0-9._/@-]*$/, 'model name may hold letters, digits, ".", "_", "-", "/" and "@" (before a variant)')
  .refine((n) => !n.split('/').includes('..'), 'model name may not contain ".."');
const endpointUrl = z
  .string()
  .max(2000)
  .refine((u) => URL.canParse(u) && ['http:', 'https:'].includes(new URL(u).protocol), 'endpoint must be an http or https URL');

/** Argument schemas of the model manager's methods. */
export const modelsSchemas = {
  listModels: z.tuple([]),
  downloadModel: z.tuple([modelName]),
  cancelModelDownload: z.tuple([modelName]),
  useModel: z.tuple([modelName]),
  cancelModelSwitch: z.tuple([]),
  removeModel: z.tuple([modelName]),
  dropModelVectors: z.tuple([z.string().min(1).max(400)]),
  addModelFolder: z.tuple([absPath]),
  setModelEndpoint: z.tuple([endpointUrl]),
};
