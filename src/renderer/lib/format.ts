/** Small formatting helpers shared by components. */

/** Split `text` into the part before, inside and after [start, end), clamped to the text. */
export function splitAt(text: string, start: number, end: number): [string, string, string] {
  const s = Math.max(0, Math.min(start, text.length));
  const e = Math.max(s, Math.min(end, text.length));
  return [text.slice(0, s), text.slice(s, e), text.slice(e)];
}

/** "1 h 5 min", "3 min", "40 s" */
export function duration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

const baseName = (path: string): string => path.split(/[\\/]/).filter(Boolean).pop() ?? path;

/** Where a file is, for a person: "Documents/papers" (the indexed folder's name, then sub-folders). */
export function shortDir(path: string, folder: string): string {
  const dir = path.slice(0, Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')));
  if (!dir.startsWith(folder)) return dir;
  const inside = dir.slice(folder.length).replace(/^[\\/]/, '');
  return inside ? `${baseName(folder)}/${inside}` : baseName(folder);
}

/** Characters of a passage shown before its highlighted span in a result card. */
const LEAD_CHARS = 140;

/**
 * The part of a passage a result card shows: from a little before the highlighted span, so the span
 * is visible even when it is deep in a long passage. Offsets are adjusted to the excerpt.
 */
export function excerpt(text: string, start: number, end: number): { text: string; start: number; end: number } {
  if (start <= LEAD_CHARS) return { text, start, end };
  let from = start - LEAD_CHARS;
  const space = text.indexOf(' ', from);
  if (space >= 0 && space < start) from = space + 1;
  return { text: `…${text.slice(from)}`, start: start - from + 1, end: end - from + 1 };
}

/** True when the "highlight" is really the whole passage (no sentence matched better). */
export function coversAll(text: string, start: number, end: number): boolean {
  return start <= 0 && end >= text.trimEnd().length;
}

/** Bytes for people: "91 MB", "1.2 GB", "512 KB" (decimal units, as download sizes are given). */
export function formatBytes(n: number): string {
  if (n >= 1e9) return `${(n / 1e9).toFixed(1)} GB`;
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e8 ? 0 : 1)} MB`;
  if (n >= 1e3) return `${Math.round(n / 1e3)} KB`;
  return `${Math.round(n)} B`;
}

/** A file's modification day for people: "Jun 6, 2020", "2020年6月6日". */
export function formatDay(ms: number, locale: 'en' | 'zh'): string {
  return new Date(ms).toLocaleDateString(locale === 'zh' ? 'zh-CN' : 'en-US', { year: 'numeric', month: 'short', day: 'numeric' });
}
