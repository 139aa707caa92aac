/** Grouped files as the user sees them: each file's path, folder and type, its best passage and the others, highlighted. */
import { basename } from 'node:path';
import type { Passage, SearchHit, SearchResponse } from '../../shared/types';
import { fileType } from '../sources/folder-rules';
import type { FolderRow, IndexedFileRow } from '../store/rows';
import type { FileGroup } from './file-groups';
import { highlightSpan } from './highlight';
import type { ParsedQuery } from './query-syntax';
import { containsPhrase } from '../words/words';

/** Files shown under "No good matches". */
export const WEAK_FILES = 3;

export function toHits(
  groups: FileGroup[],
  files: Map<number, IndexedFileRow>,
  chunks: Map<number, { id: number; text: string; start: number; end: number; location: string | null }>,
  folders: FolderRow[],
  matchedTermsOf: (chunkId: number) => string[],
  highlightFor: string,
): SearchHit[] {
  const folderById = new Map(folders.map((f) => [f.id, f.path]));
  const hits: SearchHit[] = [];
  for (const g of groups) {
    const file = files.get(g.fileId);
    if (!file) continue;
    const passages: Passage[] = [];
    for (const p of g.passages) {
      const c = chunks.get(p.chunkId);
      if (!c) continue;
      passages.push({
        chunkId: c.id,
        text: c.text,
        start: c.start,
        end: c.end,
        score: p.score,
        similarity: p.similarity,
        matchedTerms: matchedTermsOf(c.id),
        location: c.location,
        highlight: highlightSpan(c.text, highlightFor),
      });
    }
    if (passages.length === 0) continue;
    hits.push({
      path: file.path,
      folder: folderById.get(file.folderId) ?? '',
      name: basename(file.path),
      fileType: fileType(file.path),
      score: passages[0].score,
      best: passages[0],
      more: passages.slice(1),
      size: file.size,
      mtimeMs: file.mtimeMs,
    });
  }
  return hits;
}

/** The query's words and phrases (as typed) that occur in `text`. */
export function matchedTerms(have: string[], parsed: ParsedQuery): string[] {
  return [...parsed.words, ...parsed.phrases].filter((w) => containsPhrase(have, w.tokens)).map((w) => w.text);
}

/** The highest similarity among the passages shown (−∞ when none has one, as in "words" mode). */
export function bestSimilarity(r: SearchResponse): number {
  return Math.max(-Infinity, ...r.hits.flatMap((h) => [h.best, ...h.more]).map((p) => p.similarity ?? -Infinity));
}
