/**
 * The first-run suggestion: which model fits the languages of someone's files. English gets the fast
 * shipped model; Chinese or several languages get a multilingual one — an installed one first (the
 * 4-bit e5 built here, then any other), else the smallest to download.
 */
import type { ModelEntry, ModelsOverview } from '../../shared/models';

export type FileLanguages = 'en' | 'zh' | 'other';

const MULTILINGUAL_ORDER = ['multilingual-e5-small-q4', 'multilingual-e5-small', 'paraphrase-multilingual-MiniLM-L12-v2'];

export function suggestModel(languages: FileLanguages, overview: ModelsOverview): ModelEntry | null {
  const byName = new Map(overview.models.map((m) => [m.name, m]));
  if (languages === 'en') return overview.models.find((m) => m.current && m.languages.includes('en')) ?? byName.get('all-MiniLM-L6-v2') ?? null;
  // Re-rankers cannot index: only models that embed are suggested.
  const multilingual = overview.models.filter((m) => m.kind !== 'reranker' && m.languages.includes('multilingual'));
  const ranked = [...multilingual].sort((a, b) => rank(a) - rank(b));
  return ranked.find((m) => m.installed) ?? ranked.find((m) => m.downloadable) ?? null;
}

function rank(m: ModelEntry): number {
  const i = MULTILINGUAL_ORDER.indexOf(m.name);
  return i < 0 ? MULTILINGUAL_ORDER.length : i;
}
