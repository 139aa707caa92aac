/** Where an offset is, in words a person uses: "§ Install › Linux", "page 3" or "line 12". */
import type { ExtractedDocument } from '../extract/types';

/** A function that locates offsets in one document (line starts computed once). */
export function locator(doc: ExtractedDocument): (offset: number) => string {
  const lineStarts = [0];
  for (let i = doc.text.indexOf("\n"); i >= 0; i = doc.text.indexOf("\n", i + 1)) lineStarts.push(i + 1);
  return (offset) => locate(doc, offset, lineStarts);
}

export function locate(doc: ExtractedDocument, offset: number, lineStarts?: number[]): string {
  if (doc.pageStarts?.length) return `page ${lastAtOrBefore(doc.pageStarts, offset) + 1}`;
  const trail: { level: number; title: string }[] = [];
  for (const s of doc.sections) {
    if (s.start > offset) break;
    while (trail.length && trail.at(-1)!.level >= s.level) trail.pop();
    trail.push(s);
  }
  if (trail.length) return `§ ${trail.map((s) => s.title).join(' › ')}`;
  if (lineStarts) return `line ${lastAtOrBefore(lineStarts, offset) + 1}`;
  let line = 1;
  for (let i = doc.text.indexOf("\n"); i >= 0 && i < offset; i = doc.text.indexOf("\n", i + 1)) line++;
  return `line ${line}`;
}

function lastAtOrBefore(sorted: number[], x: number): number {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (sorted[mid] <= x) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}
