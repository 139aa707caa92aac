/**
 * Which reader an import file needs, by its extension. Apart from the readers (open-source.ts) so the
 * process that serves the UI can refuse an unknown format at once without loading any of them.
 */
import { extname } from 'node:path';
import type { ImportFormat } from '../../shared/questions';

const BY_EXTENSION: Record<string, ImportFormat> = {
  '.csv': 'csv',
  '.tsv': 'tsv',
  '.tab': 'tsv',
  '.txt': 'txt',
  '.text': 'txt',
  '.json': 'json',
  '.jsonl': 'jsonl',
  '.ndjson': 'jsonl',
  '.xlsx': 'xlsx',
  '.md': 'md',
  '.markdown': 'md',
};

export function formatOf(file: string, forced?: ImportFormat): ImportFormat {
  if (forced) return forced;
  const f = BY_EXTENSION[extname(file).toLowerCase()];
  if (!f) throw new Error(`don't know how to read "${extname(file) || file}" files; use .csv, .tsv, .txt, .json, .jsonl, .xlsx or .md (or pass a format)`);
  return f;
}
