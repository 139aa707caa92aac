/**
 * One model as the models list and Settings show it: the catalogue's promise (label, size, languages,
 * variants) overlaid with what the installed folder's manifest says, and the download under way.
 * Re-rankers (cross-encoders) are read as what they are: no vectors, one score per pair.
 */
import type { CatalogueModel, ModelDownload, ModelEntry } from '../../shared/models';
import { readCrossEncoder } from '../embed/cross-encoder-model';
import type { ModelVariant } from '../embed/model-files';
import { readSentenceModel } from '../embed/sentence-model';

export interface InstalledModel {
  dir: string;
  source: ModelEntry['source'];
  /** What the folder holds (isCrossEncoderFolder): a re-ranker, or a sentence-embedding model. */
  kind: ModelEntry['kind'];
}

export interface ModelFacts {
  name: string;
  /** Its catalogue entry; none for a folder added by hand. */
  entry: CatalogueModel | undefined;
  /** Its folder, if installed. */
  inst: InstalledModel | undefined;
  /** Whether it is the model in use. */
  current: boolean;
  /** The variant in use (asked only of the model in use). */
  currentVariant: () => ModelVariant | undefined;
  download: ModelDownload | null;
}

export function describeModel(facts: ModelFacts): ModelEntry {
  const kind = facts.inst?.kind ?? facts.entry?.kind ?? 'embedding';
  return kind === 'reranker' ? describeReranker(facts) : describeEmbedding(facts);
}

/** The fields every model has, whatever is installed. */
function fromCatalogue({ name, entry, inst, current, download }: ModelFacts): ModelEntry {
  return {
    kind: entry?.kind ?? 'embedding',
    purpose: entry?.purpose ?? null,
    name,
    label: entry?.label ?? name,
    id: null,
    languages: [...(entry?.languages ?? [])],
    dimension: entry?.dimension ?? 0,
    similarity: entry?.similarity ?? 'cosine',
    licence: entry?.licence ?? null,
    bytes: entry?.bytes ?? 0,
    installed: false,
    current,
    variants: (entry?.variants ?? []).map((v, i) => ({ name: v, label: v, default: i === 0 })),
    variant: null,
    source: inst?.source ?? (entry?.local ? 'local' : entry?.shipped ? 'shipped' : 'hub'),
    base: null,
    repo: entry?.repo ?? null,
    revision: entry?.revision ?? null,
    downloadable: !!entry?.repo && !entry.shipped,
    download,
  };
}

/** A re-ranker: what it is for, its languages and licence from the catalogue, else from its manifest. */
function describeReranker(facts: ModelFacts): ModelEntry {
  const out: ModelEntry = { ...fromCatalogue(facts), kind: 'reranker', dimension: 1, current: false, similarity: 'cosine' };
  const { entry, inst } = facts;
  if (!inst) return out;
  try {
    const m = readCrossEncoder(inst.dir);
    const manifest = m.manifest as (typeof m.manifest & { purpose?: unknown }) | null;
    out.id = m.id;
    out.installed = true;
    out.label = manifest?.label ?? out.label;
    if (typeof manifest?.purpose === 'string') out.purpose = entry?.purpose ?? manifest.purpose;
    if (!entry && Array.isArray(manifest?.languages)) out.languages = manifest.languages.filter((l) => typeof l === 'string');
    if (!entry && typeof manifest?.licence === 'string') out.licence = manifest.licence;
    out.bytes = Object.values(manifest?.files ?? {}).reduce((a, f) => a + f.bytes, 0) || out.bytes;
    out.variant = manifest?.default ?? 'fp32';
    out.variants = [{ name: out.variant, label: out.variant, default: true }];
  } catch {
    // A damaged folder still shows, as not installed; choosing it gives the engine's message.
  }
  return out;
}

function describeEmbedding(facts: ModelFacts): ModelEntry {
  const out: ModelEntry = { ...fromCatalogue(facts), kind: 'embedding' };
  const { entry, inst, current, currentVariant } = facts;
  if (!inst) return out;
  try {
    const m = readSentenceModel(inst.dir, current ? currentVariant() : undefined);
    const manifest = m.manifest;
    out.id = m.id;
    out.installed = true;
    out.dimension = m.dimension;
    out.similarity = m.similarity;
    out.label = manifest?.label ?? out.label;
    out.bytes = Object.values(manifest?.files ?? {}).reduce((a, f) => a + f.bytes, 0) || out.bytes;
    const derived = manifest?.derivedFrom;
    out.base = typeof manifest?.base === 'string' ? manifest.base : derived?.finetuned && typeof derived.model === 'string' ? derived.model : null;
    if (!entry && Array.isArray(manifest?.languages)) out.languages = manifest.languages.filter((l) => typeof l === 'string');
    if (!entry && typeof manifest?.licence === 'string') out.licence = manifest.licence;
    out.variant = m.variant;
    out.variants = Object.keys(manifest?.variants ?? { [m.variant]: m.onnxFile }).map((v) => ({
      name: v,
      label: manifest?.variantLabels?.[v] ?? v,
      default: v === (manifest?.default ?? m.variant),
    }));
  } catch {
    // A damaged folder still shows, as not installed; using it gives the engine's message.
  }
  return out;
}
