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

/** The folder part of a path, relative to the indexed folder when it is inside it. */
export function shortDir(path: string, folder: string): string {
  const dir = path.slice(0, Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\')));
  return dir.startsWith(folder) ? (dir.slice(folder.length).replace(/^[\\/]/, '') || '.') : dir;
}
