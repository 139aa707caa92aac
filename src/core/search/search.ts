/** Query → embedding → exact top-k passages → files, best passage first, ready for IPC. */
import { basename } from 'node:path';
import type { Passage, SearchHit, SearchQuery, SearchResponse } from '../../shared/types';
import type { Embedder } from '../embed/types';
import { fileType } from '../sources/folder-rules';
import type { Corpus } from '../corpus/corpus';
import type { FolderRow } from '../store/index-store';
import { highlightSpan } from './highlight';

export interface SearchDeps {
  corpus: Corpus;
  embedder: Embedder;
}

const PASSAGES_PER_FILE = 4;

export async function searchIndex(deps: SearchDeps, query: SearchQuery, folders: FolderRow[]): Promise<SearchResponse> {
  const t0 = performance.now();
  const k = query.k ?? 10;
  const [vector] = await deps.embedder.encode([query.text], { priority: 'high', role: 'query' });
  const groups = deps.corpus.nearestFiles(vector, k, PASSAGES_PER_FILE);
  const chunkIds = groups.flat().map((c) => c.chunkId);
  const chunks = deps.corpus.store.chunksByIds(chunkIds);
  const files = deps.corpus.store.filesByIds(groups.map((g) => g[0].fileId));
  const folderById = new Map(folders.map((f) => [f.id, f.path]));
  const hits: SearchHit[] = [];
  for (const group of groups) {
    const file = files.get(group[0].fileId);
    if (!file) continue;
    const passages: Passage[] = [];
    for (const scored of group) {
      const c = chunks.get(scored.chunkId);
      if (!c) continue;
      passages.push({
        chunkId: c.id,
        text: c.text,
        start: c.start,
        end: c.end,
        score: scored.score,
        similarity: scored.score,
        matchedTerms: [],
        location: c.location,
        highlight: highlightSpan(c.text, query.text),
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
  // Filters, keyword fusion, correction and the cut-off arrive with the hybrid search (issue 9).
  return {
    query: query.text,
    hits,
    tookMs: Math.round((performance.now() - t0) * 10) / 10,
    passagesSearched: deps.corpus.size,
    totalFiles: hits.length,
    correction: null,
    quality: 'good',
    unsupportedScript: null,
  };
}
