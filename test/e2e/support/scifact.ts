/**
 * Real documents for the end-to-end tests: SciFact abstracts (shared/eval/scifact beside the repo),
 * one file per abstract (title, blank line, text), and claims whose supporting abstract is among them.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const SCIFACT_DIR = join(import.meta.dirname, '..', '..', '..', '..', 'shared', 'eval', 'scifact');

export interface Abstract {
  id: string;
  title: string;
  text: string;
}

export interface Claim {
  id: string;
  text: string;
  /** Corpus ids of the abstracts that support or refute it. */
  relevant: string[];
}

function jsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

export function loadScifact(): { corpus: Map<string, Abstract>; claims: Claim[] } {
  if (!existsSync(join(SCIFACT_DIR, 'corpus.jsonl'))) {
    throw new Error(`SciFact not found at ${SCIFACT_DIR} (the shared/ folder must sit beside the repository)`);
  }
  const corpus = new Map(jsonl<{ _id: string; title: string; text: string }>(join(SCIFACT_DIR, 'corpus.jsonl')).map((d) => [d._id, { id: d._id, title: d.title, text: d.text }]));
  const queries = new Map(jsonl<{ _id: string; text: string }>(join(SCIFACT_DIR, 'queries.jsonl')).map((q) => [q._id, q.text]));
  const relevant = new Map<string, string[]>();
  for (const line of readFileSync(join(SCIFACT_DIR, 'qrels', 'test.tsv'), 'utf8').split('\n').slice(1)) {
    const [q, doc] = line.split('\t');
    if (q && doc) relevant.set(q, [...(relevant.get(q) ?? []), doc]);
  }
  const claims = [...relevant].map(([id, docs]) => ({ id, text: queries.get(id) ?? '', relevant: docs }));
  return { corpus, claims };
}

export const fileName = (id: string): string => `scifact-${id}.txt`;

/**
 * Write `count` abstracts into `folder`: the ones relevant to the first test claims, then others in
 * corpus order, so every chosen claim has its answer among realistic distractors.
 */
export function writeAbstracts(folder: string, count: number, mustInclude: string[] = []): Abstract[] {
  const { corpus, claims } = loadScifact();
  const chosen = new Map<string, Abstract>();
  const add = (id: string) => {
    const doc = corpus.get(id);
    if (doc && chosen.size < count) chosen.set(id, doc);
  };
  mustInclude.forEach(add);
  for (const claim of claims) claim.relevant.forEach(add);
  for (const id of corpus.keys()) add(id);
  for (const doc of chosen.values()) writeFileSync(join(folder, fileName(doc.id)), `${doc.title}\n\n${doc.text}\n`);
  return [...chosen.values()];
}
