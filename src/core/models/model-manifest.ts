/**
 * A manifest for a model folder that has none (an added folder, a download): the sha256 and size of
 * every file, so the engine verifies it exactly as it verifies the shipped model and later damage is
 * caught.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
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
