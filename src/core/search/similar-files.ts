/** Files like an indexed one: closest to one of its passages, or to the file as a whole (the mean of its passages). */
import { basename } from 'node:path';
import { InvalidArgumentsError } from '../../shared/api';
import type { SearchResponse, SimilarQuery } from '../../shared/types';
import type { Corpus } from '../corpus/corpus';
import { NotIndexedError } from '../../shared/path-errors';
import type { FolderRow, IndexedFileRow } from '../store/rows';
import { acceptedFiles } from './file-filters';
import { groupByFile } from './file-groups';
import { DEPTH, fuse } from './fusion';
import { toHits, WEAK_FILES } from './hits';
import { noMatchBelow } from './no-match';

export function similarFiles(corpus: Corpus, modelId: string, indexedTypes: string[], query: SimilarQuery, folders: FolderRow[], file: IndexedFileRow): SearchResponse {
  const t0 = performance.now();
  const k = query.k ?? 10;
  if (!corpus.isSearchable(file.id)) throw new NotIndexedError(`${query.path} is not in the index`);
  const stored = corpus.vectorsOfFile(file.id);
  let vector: Float32Array;
  if (query.chunkId !== undefined) {
    const one = stored.find((s) => s.chunkId === query.chunkId);
    if (!one) throw new InvalidArgumentsError(`passage ${query.chunkId} is not a passage of ${query.path}`);
    vector = one.vector;
  } else vector = meanDirection(stored.map((s) => s.vector), corpus.dimension);
  const accept = acceptedFiles(corpus, query.filters, folders, null, indexedTypes);
  const dense = corpus.nearestPassages(vector, DEPTH, (f) => f !== file.id && (!accept || accept.has(f)));
  const grouped = groupByFile(corpus, fuse(dense, [], (ids) => corpus.similarities(vector, ids), { kind: 'convex', alpha: 1 }, true), []);
  // The same line as search: files below it are not "similar", only nearest.
  const cutoff = noMatchBelow(modelId);
  const close = grouped.groups.filter((g) => (g.passages[0].similarity ?? -Infinity) >= cutoff);
  const quality = close.length > 0 || grouped.groups.length === 0 ? 'good' : 'none';
  const groups = quality === 'good' ? close : grouped.groups.slice(0, WEAK_FILES);
  const files = corpus.files(groups.map((g) => g.fileId));
  const source = query.chunkId !== undefined ? corpus.passages([query.chunkId]).get(query.chunkId) : undefined;
  const hits = toHits(groups.slice(0, k), files, grouped.chunks, folders, () => [], source?.text ?? '');
  return {
    query: basename(file.path),
    hits,
    tookMs: Math.round((performance.now() - t0) * 10) / 10,
    passagesSearched: corpus.size,
    totalFiles: quality === 'good' ? groups.length : hits.length,
    correction: null,
    quality,
    unsupportedScript: null,
    reranked: null,
    rerankProblem: null,
  };
}

/** The normalised mean of a file's passage vectors: the direction of the file as a whole. */
function meanDirection(vectors: Float32Array[], d: number): Float32Array {
  const mean = new Float32Array(d);
  for (const v of vectors) for (let x = 0; x < d; x++) mean[x] += v[x];
  const norm = Math.hypot(...mean) || 1;
  for (let x = 0; x < d; x++) mean[x] /= norm;
  return mean;
}
