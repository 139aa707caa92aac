/**
 * The file types Trove reads, by family: a leaf module both the settings (their defaults) and the
 * extractors (which reader takes which type) read, so that neither layer imports the other.
 */

/** The plain-text family, read in the indexing process (core/extract/plain-text.ts). */
export const PLAIN_TEXT_FILE_TYPES = [
  'txt', 'text', 'md', 'markdown', 'rst', 'org', 'csv', 'tsv', 'json', 'jsonl', 'yaml', 'yml', 'toml',
  'xml', 'log', 'ini', 'cfg', 'conf', 'tex',
  'js', 'mjs', 'cjs', 'ts', 'tsx', 'jsx', 'py', 'rb', 'go', 'rs', 'java', 'kt', 'scala', 'c', 'h', 'cc',
  'cpp', 'hpp', 'cs', 'swift', 'php', 'pl', 'lua', 'sh', 'bash', 'zsh', 'sql', 'r', 'jl', 'hs', 'ex',
  'exs', 'erl', 'clj', 'dart', 'vue', 'svelte', 'css', 'scss', 'less',
];

/** The rich documents, read in their own process with time and memory budgets (core/extract/isolated-extractor.ts). */
export const DOCUMENT_FILE_TYPES = ['pdf', 'docx', 'odt', 'pptx', 'rtf', 'epub', 'html', 'htm', 'xhtml', 'eml', 'mbox'] as const;
