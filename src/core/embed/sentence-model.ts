/**
 * Reads a sentence-transformers model folder the way `SentenceTransformer(path)` does: modules.json
 * names the steps (Transformer → Pooling → optional Normalize), the pooling folder's config.json says
 * how token vectors become one, sentence_bert_config.json says where to truncate and whether to
 * lower-case, config_sentence_transformers.json carries the prompts and the similarity function.
 * Every refusal names the file at fault, so "Add a model from a folder" can tell the user what to fix.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { EXACT_VARIANT, ModelFileError, readManifestIfAny, variantName, type ModelManifest, type ModelVariant } from './model-files';
import type { PoolingMode, SimilarityFunction } from './types';

/** Everything the engine needs to embed like sentence-transformers, read from one folder. */
export interface SentenceModel {
  /** The folder. */
  dir: string;
  /**
   * Stable id (manifest id, else the folder name), with "@variant" for any weights but fp32
   * ("sentence-transformers/all-MiniLM-L6-v2@int8"): vectors of different ids never mix, and a
   * quantised variant's vectors are not the fp32 ones, so they get their own index.
   */
  id: string;
  /** The manifest id (else folder name) without the variant: the model whatever its weights. */
  baseId: string;
  /** Vector length after pooling. */
  dimension: number;
  /** Tokens per input including the special tokens; longer inputs are truncated. */
  maxSeqLength: number;
  /** Lower-case text before tokenizing (sentence_bert_config.json do_lower_case). */
  lowerCase: boolean;
  pooling: PoolingMode;
  /** false: prompt tokens are left out of the pooling (Pooling include_prompt). */
  includePrompt: boolean;
  /** A Normalize module follows the pooling. */
  normalize: boolean;
  similarity: SimilarityFunction;
  /** Prompt texts by name, e.g. e5's { query: "query: ", passage: "passage: " }. */
  prompts: Record<string, string>;
  /** The prompt used when the caller names none (null: no prompt). */
  defaultPromptName: string | null;
  /** Prompt names for the roles, when the manifest names them (else the role's own name). */
  rolePrompts: { query?: string | null; passage?: string | null };
  /** The ONNX graph to run, relative to dir. */
  onnxFile: string;
  variant: ModelVariant;
  /** The manifest with sha256 of every file, or null for a bare folder (nothing to verify against). */
  manifest: ModelManifest | null;
}

const POOLING_KEYS: Record<string, PoolingMode> = {
  pooling_mode_cls_token: 'cls',
  pooling_mode_mean_tokens: 'mean',
  pooling_mode_max_tokens: 'max',
  pooling_mode_lasttoken: 'lasttoken',
};
const UNSUPPORTED_POOLING = ['pooling_mode_mean_sqrt_len_tokens', 'pooling_mode_weightedmean_tokens'];
const KNOWN_MODULES = new Set([
  'sentence_transformers.models.Transformer',
  'sentence_transformers.models.Pooling',
  'sentence_transformers.models.Normalize',
]);

function readJson<T>(path: string, what: string): T {
  if (!existsSync(path)) throw new ModelFileError(`${what}: ${path} is missing`, path);
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch (err) {
    throw new ModelFileError(`${what}: ${path} is not valid JSON (${(err as Error).message})`, path);
  }
}

function readOptionalJson<T>(path: string, what: string): T | null {
  return existsSync(path) ? readJson<T>(path, what) : null;
}

interface ModuleEntry {
  path?: string;
  type?: string;
}

/** Which of the pooling flags is set; exactly one must be, and it must be one the engine implements. */
function readPooling(dir: string, modules: ModuleEntry[]): { mode: PoolingMode; includePrompt: boolean; dimension: number } {
  const entry = modules.find((m) => m.type === 'sentence_transformers.models.Pooling');
  const path = join(dir, entry?.path ?? '1_Pooling', 'config.json');
  if (!entry) throw new ModelFileError(`not a sentence-transformers model: ${join(dir, 'modules.json')} has no Pooling module`, join(dir, 'modules.json'));
  const config = readJson<Record<string, unknown>>(path, 'pooling config');
  if (typeof config.pooling_mode === 'string' && !Object.keys(config).some((k) => k in POOLING_KEYS)) {
    // Newer sentence-transformers may write only the mode's name.
    const byName: Record<string, PoolingMode> = { mean: 'mean', cls: 'cls', max: 'max', lasttoken: 'lasttoken' };
    const mode = byName[config.pooling_mode];
    if (!mode) throw new ModelFileError(`unknown pooling mode "${config.pooling_mode}" in ${path} (Trove supports mean, cls, max, lasttoken)`, path);
    config[`pooling_mode_${mode === 'mean' ? 'mean_tokens' : mode === 'cls' ? 'cls_token' : mode === 'max' ? 'max_tokens' : 'lasttoken'}`] = true;
  }
  const unsupported = UNSUPPORTED_POOLING.filter((k) => config[k] === true);
  const modes = Object.entries(POOLING_KEYS).filter(([k]) => config[k] === true).map(([, m]) => m);
  if (unsupported.length || modes.length !== 1) {
    const set = [...unsupported, ...Object.keys(POOLING_KEYS).filter((k) => config[k] === true)];
    throw new ModelFileError(
      `unknown pooling in ${path}: ${set.length ? set.join(' + ') : 'no pooling mode set'} (Trove supports exactly one of mean, cls, max, lasttoken)`,
      path,
    );
  }
  const dimension = Number(config.word_embedding_dimension);
  if (!Number.isInteger(dimension) || dimension <= 0) throw new ModelFileError(`pooling config ${path} has no word_embedding_dimension`, path);
  return { mode: modes[0], includePrompt: config.include_prompt !== false, dimension };
}

/** The ONNX file: the manifest's variant, else onnx/model.onnx or model.onnx. */
function findOnnx(dir: string, manifest: ModelManifest | null, chosen?: ModelVariant): { file: string; variant: ModelVariant } {
  const variant = chosen === undefined ? undefined : variantName(chosen);
  if (manifest) {
    const v = variant ?? manifest.default;
    const file = manifest.variants[v];
    if (!file) throw new ModelFileError(`model ${manifest.id} has no "${v}" variant (has: ${Object.keys(manifest.variants).join(', ')})`, join(dir, 'manifest.json'));
    return { file, variant: v };
  }
  if (variant !== undefined && variant !== EXACT_VARIANT) {
    throw new ModelFileError(`model folder ${dir} has no manifest, so no "${variant}" variant (only its one graph, fp32)`, join(dir, 'manifest.json'));
  }
  for (const file of ['onnx/model.onnx', 'model.onnx']) if (existsSync(join(dir, file))) return { file, variant: EXACT_VARIANT };
  throw new ModelFileError(`no ONNX graph in ${dir} (looked for onnx/model.onnx and model.onnx; export the model to ONNX first)`, join(dir, 'onnx', 'model.onnx'));
}

/** Read and check a sentence-transformers folder. Throws ModelFileError naming the file at fault. */
export function readSentenceModel(dir: string, variant?: ModelVariant): SentenceModel {
  if (!existsSync(dir)) throw new ModelFileError(`model folder not found: ${dir}`, dir);
  const manifest = readManifestIfAny(dir);
  const modulesPath = join(dir, 'modules.json');
  if (!existsSync(modulesPath)) {
    throw new ModelFileError(`not a sentence-transformers model: ${modulesPath} is missing`, modulesPath);
  }
  const modules = readJson<ModuleEntry[]>(modulesPath, 'not a sentence-transformers model');
  if (!Array.isArray(modules) || !modules.some((m) => m.type === 'sentence_transformers.models.Transformer')) {
    throw new ModelFileError(`not a sentence-transformers model: ${modulesPath} lists no Transformer module`, modulesPath);
  }
  const other = modules.find((m) => !m.type || !KNOWN_MODULES.has(m.type));
  if (other) {
    throw new ModelFileError(`unsupported module "${other.type}" in ${modulesPath} (Trove runs Transformer, Pooling and Normalize)`, modulesPath);
  }
  const pooling = readPooling(dir, modules);
  for (const file of ['tokenizer.json']) {
    const path = join(dir, file);
    if (!existsSync(path)) throw new ModelFileError(`missing tokenizer: ${path} (Trove needs the fast tokenizer file tokenizer.json)`, path);
  }
  const sbert = readOptionalJson<{ max_seq_length?: number; do_lower_case?: boolean }>(join(dir, 'sentence_bert_config.json'), 'sentence_bert_config.json') ?? {};
  const st =
    readOptionalJson<{ prompts?: Record<string, string>; default_prompt_name?: string | null; similarity_fn_name?: string | null }>(
      join(dir, 'config_sentence_transformers.json'),
      'config_sentence_transformers.json',
    ) ?? {};
  const similarity = st.similarity_fn_name ?? manifest?.similarity ?? 'cosine';
  if (similarity !== 'cosine' && similarity !== 'dot') {
    const path = join(dir, 'config_sentence_transformers.json');
    throw new ModelFileError(`unsupported similarity_fn_name "${similarity}" in ${path} (Trove supports cosine and dot)`, path);
  }
  const maxSeqLength = sbert.max_seq_length ?? manifest?.maxSeqLength ?? modelMaxLength(dir);
  const onnx = findOnnx(dir, manifest, variant);
  if (manifest && manifest.dimension !== pooling.dimension) {
    const path = join(dir, 'manifest.json');
    throw new ModelFileError(`dimension mismatch: ${path} says ${manifest.dimension}, the pooling config says ${pooling.dimension}`, path);
  }
  const baseId = manifest?.id ?? basename(dir);
  return {
    dir,
    id: onnx.variant === EXACT_VARIANT ? baseId : `${baseId}@${onnx.variant}`,
    baseId,
    dimension: pooling.dimension,
    maxSeqLength,
    lowerCase: sbert.do_lower_case === true,
    pooling: pooling.mode,
    includePrompt: pooling.includePrompt,
    normalize: modules.some((m) => m.type === 'sentence_transformers.models.Normalize'),
    similarity,
    prompts: st.prompts && Object.keys(st.prompts).length > 0 ? st.prompts : (manifest?.prompts ?? {}),
    defaultPromptName: st.default_prompt_name ?? null,
    rolePrompts: { query: manifest?.queryPromptName, passage: manifest?.passagePromptName },
    onnxFile: onnx.file,
    variant: onnx.variant,
    manifest,
  };
}

/** Without sentence_bert_config.json: the tokenizer's model_max_length, capped at 512 as a sane default. */
function modelMaxLength(dir: string): number {
  const config = readOptionalJson<{ model_max_length?: number }>(join(dir, 'tokenizer_config.json'), 'tokenizer_config.json');
  const n = config?.model_max_length;
  return typeof n === 'number' && n > 0 && n < 100_000 ? n : 512;
}

/** The prompt for a role: the model's prompt of that name, else its default prompt, else none. */
export function promptFor(model: Pick<SentenceModel, 'prompts' | 'defaultPromptName' | 'rolePrompts'>, role?: 'query' | 'passage'): string {
  const named = role ? model.rolePrompts[role] : undefined;
  if (named === null) return '';
  if (named && named in model.prompts) return model.prompts[named];
  if (role && role in model.prompts) return model.prompts[role];
  // sentence-transformers names passages "document" in some models.
  if (role === 'passage' && 'document' in model.prompts) return model.prompts.document;
  return model.defaultPromptName ? (model.prompts[model.defaultPromptName] ?? '') : '';
}
