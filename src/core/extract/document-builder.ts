/**
 * Builds the text of a rich document piece by piece, with its headings and pages, so that every
 * extractor normalises the same way: Unicode tidied for the model, runs of spaces collapsed,
 * paragraphs separated by one blank line, and section/page offsets pointing into the final text.
 */
import type { ExtractedDocument, Section } from './types';

/**
 * NFKC only where it helps search: ligatures (ﬁ → fi, common in PDFs), full-width Latin letters and
 * digits (ＡＢＣ１ → ABC1), half-width katakana. Not full-width punctuation: Chinese ！？， must stay
 * as they are (the chunker cuts at ！？ without a following space). Elsewhere NFKC would change
 * meaning (x² → x2, ① → 1).
 */
const COMPAT = /[\uFB00-\uFB06\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A\uFF61-\uFF9F]+/g;
/** Exotic spaces become a plain space; soft hyphens and zero-width characters disappear. */
const SPACES = /[\u00A0\u1680\u2000-\u200A\u202F\u205F\u3000]/g;
const INVISIBLE = /[\u00AD\u200B-\u200D\u2060\uFEFF]/g;
/** Control characters other than tab and newline (PDF text layers often carry them). */
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFFFD]/g;

export function tidyUnicode(s: string): string {
  return s
    .normalize('NFC')
    .replace(COMPAT, (m) => m.normalize('NFKC'))
    .replace(SPACES, ' ')
    .replace(INVISIBLE, '')
    .replace(CONTROL, ' ');
}

export class DocumentBuilder {
  private readonly parts: string[] = [];
  private length = 0;
  /** Newlines at the end of the text so far (0, 1 or 2); -1 before any text. */
  private trailingNewlines = -1;
  private trailingSpace = false;
  private readonly sections: Section[] = [];
  private pageStarts: number[] | undefined;
  private openHeading: { level: number; start: number } | null = null;

  get size(): number {
    return this.length;
  }

  /** Inline text: whitespace inside collapses to single spaces, across calls too. */
  append(raw: string): void {
    const s = tidyUnicode(raw).replace(/[\s]+/g, ' ');
    if (!s) return;
    let out = s;
    if (out.startsWith(' ')) {
      if (this.trailingSpace || this.trailingNewlines !== 0) out = out.slice(1);
    }
    if (!out) {
      return;
    }
    if (out === ' ') {
      this.trailingSpace = true;
      this.write(' ');
      return;
    }
    this.write(out);
    this.trailingNewlines = 0;
    this.trailingSpace = out.endsWith(' ');
  }

  /** End the current line (no-op at the start or after a line break). */
  line(): void {
    if (this.trailingNewlines !== 0) return;
    this.trimSpace();
    this.write('\n');
    this.trailingNewlines = 1;
  }

  /** End the current paragraph: the next text starts after one blank line. */
  paragraph(): void {
    if (this.trailingNewlines === -1 || this.trailingNewlines >= 2) return;
    this.trimSpace();
    this.write(this.trailingNewlines === 1 ? '\n' : '\n\n');
    this.trailingNewlines = 2;
  }

  /** Start a heading; text appended until endHeading() is its title. */
  startHeading(level: number): void {
    this.paragraph();
    this.openHeading = { level, start: this.length };
  }

  endHeading(): void {
    const h = this.openHeading;
    this.openHeading = null;
    if (!h) return;
    const title = this.textSince(h.start).trim();
    if (title) this.sections.push({ start: h.start, level: h.level, title: title.length > 200 ? `${title.slice(0, 199)}…` : title });
    this.paragraph();
  }

  /** A whole heading in one call. */
  heading(level: number, title: string): void {
    this.startHeading(level);
    this.append(title);
    this.endHeading();
  }

  /** A section marker without text of its own (a chapter or message whose title is shown elsewhere). */
  mark(level: number, title: string): void {
    this.paragraph();
    this.sections.push({ start: this.length, level, title });
  }

  /** Start a new page (paged formats); page 1 starts at offset 0. */
  page(): void {
    this.paragraph();
    (this.pageStarts ??= []).push(this.length);
  }

  build(): ExtractedDocument {
    this.trimSpace();
    let text = this.parts.join('');
    const end = text.replace(/\s+$/, '').length;
    text = text.slice(0, end);
    const clamp = (n: number) => Math.min(n, text.length);
    const doc: ExtractedDocument = { text, sections: this.sections.map((s) => ({ ...s, start: clamp(s.start) })) };
    if (this.pageStarts) doc.pageStarts = this.pageStarts.map(clamp);
    return doc;
  }

  private write(s: string): void {
    this.parts.push(s);
    this.length += s.length;
  }

  private trimSpace(): void {
    if (!this.trailingSpace || this.trailingNewlines !== 0) return;
    const last = this.parts.length - 1;
    if (this.parts[last]?.endsWith(' ')) {
      this.parts[last] = this.parts[last].slice(0, -1);
      this.length--;
    }
    this.trailingSpace = false;
  }

  private textSince(start: number): string {
    let out = '';
    let pos = this.length;
    for (let i = this.parts.length - 1; i >= 0 && pos > start; i--) {
      const p = this.parts[i];
      pos -= p.length;
      out = (pos < start ? p.slice(start - pos) : p) + out;
    }
    return out;
  }
}
