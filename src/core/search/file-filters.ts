/**
 * Which files a search may return (its filters, quoted phrases and excluded words) and which it finds
 * by their name or path.
 */
import { InvalidArgumentsError } from '../../shared/api';
import type { SearchFilters } from '../../shared/types';
import type { Corpus } from '../corpus/corpus';
import type { FolderRow } from '../store/rows';
import type { ParsedQuery } from './query-syntax';
import { ftsPhrase, tokens } from '../words/words';

/**
 * The files a search may return (null: all): the filters, then files holding every quoted phrase,
 * minus files holding an excluded word. `indexedTypes`: the file types the index may hold (settings),
 * for refusing a filter on a type it never holds.
 */
export function acceptedFiles(corpus: Corpus, filters: SearchFilters | undefined, folders: FolderRow[], parsed: ParsedQuery | null, indexedTypes: string[]): Set<number> | null {
  let accept = filters && Object.values(filters).some((v) => v !== undefined) ? filteredFiles(corpus, filters, folders, indexedTypes) : null;
  const words = corpus.keywords;
  for (const phrase of parsed?.phrases ?? []) {
    const holding = words.filesContaining(ftsPhrase(phrase.tokens));
    accept = accept ? new Set([...accept].filter((id) => holding.has(id))) : holding;
  }
  const excluded = parsed?.excluded ?? [];
  if (excluded.length) {
    const out = new Set(excluded.flatMap((e) => [...words.filesContaining(ftsPhrase(e.tokens))]));
    accept ??= new Set(corpus.indexedFileIds());
    for (const id of out) accept.delete(id);
  }
  return accept;
}

function filteredFiles(corpus: Corpus, filters: SearchFilters, folders: FolderRow[], indexedTypes: string[]): Set<number> {
  let folderIds: number[] | undefined;
  if (filters.folders) {
    folderIds = filters.folders.map((path) => {
      const row = folders.find((f) => f.path === path);
      if (!row) throw new InvalidArgumentsError(`search: ${path} is not an indexed folder`);
      return row.id;
    });
  }
  const known = new Set(indexedTypes);
  const unknown = filters.types?.filter((t) => !known.has(t)) ?? [];
  if (unknown.length) throw new InvalidArgumentsError(`search: Trove does not index files of type ${unknown.join(', ')} (it indexes ${[...known].join(', ')})`);
  return new Set(corpus.filesMatching({ folderIds, types: filters.types, after: filters.after, before: filters.before }));
}

/** Files whose name holds every word of the query, or whose path holds the query when it looks like a path. */
export function namedFiles(corpus: Corpus, parsed: ParsedQuery, text: string, k: number): number[] {
  if (parsed.words.length === 0 || parsed.excluded.length > 0) return [];
  const byName = `name : (${parsed.words.map((w) => ftsPhrase(w.tokens)).join(' AND ')})`;
  const pathLike = /[/\\]/.test(text) && tokens(text).length > 0 ? ` OR path : ${ftsPhrase(tokens(text))}` : '';
  return corpus.keywords.filesNamed(byName + pathLike, k);
}
