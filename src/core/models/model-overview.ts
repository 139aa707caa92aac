/**
 * One model as the models list and Settings show it: the catalogue's promise (label, size, languages,
 * variants) overlaid with what the installed folder's manifest says, and the download under way.
 */
import type { CatalogueModel, ModelDownload, ModelEntry } from '../../shared/models';
import type { ModelVariant } from '../embed/model-files';
import { readSentenceModel } from '../embed/sentence-model';

export interface InstalledModel {
  dir: string;
  source: ModelEntry['source'];
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

export function describeModel({ name, entry, inst, current, currentVariant, download }: ModelFacts): ModelEntry {
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
      const chosen = current ? currentVariant() : undefined;
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
    kind: entry?.kind ?? 'embedding',
    purpose: entry?.purpose ?? null,
    name,
    label,
    id,
    languages,
    dimension,
    similarity,
    licence,
    bytes,
    installed: !!inst && id !== null,
    current,
    variants,
    variant,
    source: inst?.source ?? (entry?.local ? 'local' : entry?.shipped ? 'shipped' : 'hub'),
    base,
    repo: entry?.repo ?? null,
    revision: entry?.revision ?? null,
    downloadable: !!entry?.repo && !entry.shipped,
    download,
  };
}
