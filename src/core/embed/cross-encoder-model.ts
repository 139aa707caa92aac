/**
 * Reads a sentence-transformers CrossEncoder folder the way `CrossEncoder(path)` does: config.json's
 * num_labels; the activation `predict` applies (config_sentence_transformers.json `activation_fn`, or
 * the pre-v4 `sbert_ce_default_activation_function` in config.json; else sigmoid for one label);
 * where to truncate (the tokenizer's model_max_length, as CrossEncoder's max_length); and the ONNX
 * graph (input_ids, attention_mask[, token_type_ids] → logits). Every refusal names the file at fault.
 */
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { ModelFileError, readManifestIfAny, type ModelManifest } from './model-files';

/** What `predict` does to the logit: sigmoid (a 0–1 score) or nothing (a raw relevance logit). */
export type CrossEncoderActivation = 'sigmoid' | 'identity';

export interface CrossEncoderModel {
  dir: string;
  /** Manifest id, else the folder name. */
  id: string;
  /** Tokens per (query, passage) pair including the special tokens; longer pairs are cut longest first. */
  maxSeqLength: number;
  activation: CrossEncoderActivation;
  /** The ONNX graph, relative to dir. */
  onnxFile: string;
  manifest: ModelManifest | null;
}

const ACTIVATIONS: Record<string, CrossEncoderActivation> = {
  'torch.nn.modules.activation.Sigmoid': 'sigmoid',
  'torch.nn.modules.linear.Identity': 'identity',
};

/** Tokenizers without a real limit say so with a huge model_max_length (transformers' VERY_LARGE_INTEGER). */
const NO_LIMIT = 1e9;

function readJson(path: string, what: string): Record<string, unknown> | null {
  if (!existsSync(path)) return null;
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
  } catch (err) {
    throw new ModelFileError(`${what}: ${path} is not valid JSON (${(err as Error).message})`, path);
  }
}

/** A folder that holds a cross-encoder (not a bi-encoder): what the model list uses to tell them apart. */
export function isCrossEncoderFolder(dir: string): boolean {
  try {
    const st = readJson(join(dir, 'config_sentence_transformers.json'), 'sentence-transformers config');
    if (st?.model_type === 'CrossEncoder') return true;
    const manifest = readJson(join(dir, 'manifest.json'), 'model manifest');
    if (manifest?.kind === 'cross-encoder') return true;
    const config = readJson(join(dir, 'config.json'), 'model config');
    const arch = Array.isArray(config?.architectures) ? (config.architectures as unknown[]) : [];
    return arch.some((a) => typeof a === 'string' && a.endsWith('ForSequenceClassification')) && !existsSync(join(dir, 'modules.json'));
  } catch {
    return false;
  }
}

export function readCrossEncoder(dir: string): CrossEncoderModel {
  if (!existsSync(dir)) throw new ModelFileError(`re-ranker folder not found: ${dir}`, dir);
  const manifest = readManifestIfAny(dir);
  const configPath = join(dir, 'config.json');
  const config = readJson(configPath, 'model config');
  if (!config) throw new ModelFileError(`not a cross-encoder: ${configPath} is missing`, configPath);
  const labels = typeof config.num_labels === 'number' ? config.num_labels : config.id2label ? Object.keys(config.id2label as object).length : 1;
  if (labels !== 1) {
    throw new ModelFileError(
      `${configPath} says num_labels ${labels}: Trove re-ranks with cross-encoders that give one relevance score per pair (num_labels 1)`,
      configPath,
    );
  }
  const st = readJson(join(dir, 'config_sentence_transformers.json'), 'sentence-transformers config');
  const nested = (config.sentence_transformers as { activation_fn?: unknown } | undefined)?.activation_fn;
  const named = st?.activation_fn ?? nested ?? config.sbert_ce_default_activation_function;
  let activation: CrossEncoderActivation = 'sigmoid';
  if (typeof named === 'string') {
    const known = ACTIVATIONS[named];
    if (!known) throw new ModelFileError(`${dir}: activation ${named} is not one Trove applies (Sigmoid or Identity)`, configPath);
    activation = known;
  }
  const tokenizerConfig = readJson(join(dir, 'tokenizer_config.json'), 'tokenizer config');
  const modelMax = typeof tokenizerConfig?.model_max_length === 'number' && tokenizerConfig.model_max_length < NO_LIMIT ? tokenizerConfig.model_max_length : null;
  const positions = typeof config.max_position_embeddings === 'number' ? config.max_position_embeddings : 512;
  const maxSeqLength = manifest?.maxSeqLength ?? modelMax ?? positions;
  const onnxFile = manifest?.variants[manifest.default] ?? 'onnx/model.onnx';
  if (!existsSync(join(dir, onnxFile))) throw new ModelFileError(`re-ranker graph missing: ${join(dir, onnxFile)} (Trove runs cross-encoders as ONNX)`, join(dir, onnxFile));
  if (!existsSync(join(dir, 'tokenizer.json'))) throw new ModelFileError(`re-ranker tokenizer missing: ${join(dir, 'tokenizer.json')}`, join(dir, 'tokenizer.json'));
  return { dir, id: manifest?.id ?? basename(dir), maxSeqLength, activation, onnxFile, manifest };
}
