/**
 * BEIR-style retrieval evaluation through the real pipeline: documents become files in a folder,
 * the folder is indexed like any other, queries go through search, files are ranked by their best
 * passage, nDCG@10 is computed with the graded judgements (trec_eval's linear gain).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface BeirDoc {
  id: string;
  title: string;
  text: string;
}

export interface BeirData {
  docs: BeirDoc[];
  queries: Map<string, string>;
  /** The judgements' split: test (for reporting) or train (for choosing weights, cut-offs, depths). */
  split: string;
  /** query id → (doc id → relevance) for that split. */
  qrels: Map<string, Map<string, number>>;
}

function jsonl<T>(file: string): T[] {
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as T);
}

export function readBeir(dir: string, split = 'test'): BeirData {
  const docs = jsonl<{ _id: string; title?: string; text: string }>(join(dir, 'corpus.jsonl')).map((d) => ({
    id: String(d._id),
    title: d.title ?? '',
    text: d.text,
  }));
  const queries = new Map(jsonl<{ _id: string; text: string }>(join(dir, 'queries.jsonl')).map((q) => [String(q._id), q.text]));
  const qrels = new Map<string, Map<string, number>>();
  const lines = readFileSync(join(dir, 'qrels', `${split}.tsv`), 'utf8').split('\n').slice(1);
  for (const line of lines) {
    const [qid, did, score] = line.split('\t');
    if (!qid || !did) continue;
    if (!qrels.has(qid)) qrels.set(qid, new Map());
    qrels.get(qid)!.set(did, Number(score));
  }
  return { docs, queries, split, qrels };
}

/** The file a document is written to: title, a blank line, the text (as the issue specifies). */
export function docFileText(doc: BeirDoc): string {
  return doc.title ? `${doc.title}\n\n${doc.text}` : doc.text;
}

/** nDCG@k of one ranking (doc ids, best first) against graded judgements. */
export function ndcgAtK(ranked: string[], relevant: Map<string, number>, k = 10): number {
  let dcg = 0;
  ranked.slice(0, k).forEach((id, i) => {
    dcg += (relevant.get(id) ?? 0) / Math.log2(i + 2);
  });
  const ideal = [...relevant.values()].sort((a, b) => b - a).slice(0, k);
  const idcg = ideal.reduce((s, rel, i) => s + rel / Math.log2(i + 2), 0);
  return idcg > 0 ? dcg / idcg : 0;
}

/**
 * The kinds of query a fusion could help or hurt differently: queries holding names, numbers or
 * symbols (gene names such as "IL-6", "p53", doses, percentages) lean on exact words; plain-word ones
 * on meaning; short ones give the keyword side little to go on. A query belongs to one kind of each pair.
 */
export function queryKinds(text: string): string[] {
  const words = text.split(/\s+/).filter(Boolean);
  const named = words.some((w) => /\d/.test(w) || /[A-Z]{2,}/.test(w) || /[a-z][A-Z]/.test(w));
  return [named ? 'names, numbers or symbols' : 'plain words', words.length <= 8 ? 'short (8 words or fewer)' : 'long (more than 8 words)'];
}
