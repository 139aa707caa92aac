/**
 * A manifest for a model folder that has none (an added folder, a download): the sha256 and size of
 * every file, so the engine verifies it exactly as it verifies the shipped model and later damage is
 * caught. A re-ranker's (cross-encoder's) says so (`kind: "cross-encoder"`), which is how the model
 * list tells it from a sentence-embedding model, with what it is for.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { isCrossEncoderFolder, readCrossEncoder } from '../embed/cross-encoder-model';
import type { ModelManifest } from '../embed/model-files';
import { readSentenceModel } from '../embed/sentence-model';

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

/** What a manifest written here may say besides the files. */
export interface ManifestFields {
  id: string;
  label?: string;
  similarity?: 'cosine' | 'dot';
  prompts?: Record<string, string>;
  /** A re-ranker (default: what the folder looks like, see isCrossEncoderFolder). */
  reranker?: boolean;
  /** A re-ranker's use, languages and licence (from the catalogue): Settings → Models shows them. */
  purpose?: string;
  languages?: readonly string[];
  licence?: string;
}

/** A manifest for a folder that has none: the sha256 of every file, so later damage is caught. */
export function writeManifest(dir: string, fields: ManifestFields): ModelManifest {
  const reranker = fields.reranker ?? isCrossEncoderFolder(dir);
  // Read as what it is: a cross-encoder has no pooling and no vectors, a bi-encoder no pair score.
  const model = reranker ? { dimension: 1, ...readCrossEncoder(dir) } : readSentenceModel(dir);
  const files: ModelManifest['files'] = {};
  for (const f of listFiles(dir)) {
    if (f === 'manifest.json') continue;
    files[f] = { sha256: hashFile(join(dir, f)), bytes: statSync(join(dir, f)).size };
  }
  const manifest: ModelManifest & { kind?: 'cross-encoder'; purpose?: string } = {
    id: fields.id,
    ...(reranker ? { kind: 'cross-encoder' as const } : {}),
    ...(fields.label ? { label: fields.label } : {}),
    ...(fields.purpose ? { purpose: fields.purpose } : {}),
    ...(fields.languages ? { languages: [...fields.languages] } : {}),
    ...(fields.licence ? { licence: fields.licence } : {}),
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
