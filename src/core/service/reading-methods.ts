/**
 * What the user reads from the index: search, files like a given one, and the preview of a passage
 * in its file (read again from disk, or from the index when the file has changed or gone).
 */
import { readFile, stat } from 'node:fs/promises';
import { fileType } from '../sources/folder-rules';
import type { TroveService } from '../trove-service';
import type { Preview } from '../../shared/types';
import type { EngineParts } from './engine-parts';
import { indexedFile } from './indexed-file';
import { NotFoundError } from '../../shared/path-errors';

const PREVIEW_CONTEXT_CHARS = 600;
/** Longest passage a preview shows: a caller's huge `end` gets a window, not the whole file. */
const PREVIEW_MAX_PASSAGE_CHARS = 5000;

/** Documents extracted for a preview lately: clicking through one file's passages reads it once. */
const RECENT_DOCUMENTS = 4;

export function readingMethods(parts: EngineParts): Pick<TroveService, 'search' | 'similarTo' | 'preview'> {
  const { fileSearch, corpus, extractors } = parts;
  // Keyed by path, size and modification time: a file changed on disk is read again.
  const recent = new Map<string, string>();
  async function extractedText(real: string): Promise<string> {
    const info = await stat(real);
    const key = `${info.size}:${info.mtimeMs}:${real}`;
    const known = recent.get(key);
    if (known !== undefined) {
      recent.delete(key);
      recent.set(key, known); // most recent last
      return known;
    }
    const doc = await (extractors.forType(fileType(real)) ?? extractors.forType('txt')!).extract(await readFile(real), fileType(real));
    recent.set(key, doc.text);
    while (recent.size > RECENT_DOCUMENTS) recent.delete(recent.keys().next().value!);
    return doc.text;
  }
  return {
    search: (query) => fileSearch.search(query, corpus.folders()),
    async similarTo(query) {
      const { row } = await indexedFile(parts, query.path, false);
      return fileSearch.similarTo(query, corpus.folders(), row);
    },
    async preview(path, start, end): Promise<Preview> {
      const { row, real } = await indexedFile(parts, path, false);
      let text: string;
      const chunk = corpus.passagesOfFile(row.id).find((c) => c.start <= start && c.end >= end) ?? null;
      try {
        text = await extractedText(real);
      } catch {
        if (!chunk) throw new NotFoundError(`${path} can no longer be read`);
        text = ' '.repeat(chunk.start) + chunk.text; // the file changed or vanished: show what was indexed
      }
      const location = chunk?.location ?? null;
      const s = Math.min(start, text.length);
      const e = Math.min(Math.max(end, s), text.length, s + PREVIEW_MAX_PASSAGE_CHARS);
      const from = Math.max(0, s - PREVIEW_CONTEXT_CHARS);
      const to = Math.min(text.length, e + PREVIEW_CONTEXT_CHARS);
      return { path: row.path, text: text.slice(from, to), textStart: from, passage: { start: s - from, end: e - from }, location };
    },
  };
}
