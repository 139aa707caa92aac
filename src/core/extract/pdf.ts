/**
 * PDF through Mozilla's PDF.js: text page by page (each page is released before the next, so a
 * 500-page PDF does not sit in memory whole), lines and paragraphs rebuilt from text positions,
 * headers and footers that repeat on most pages dropped, hyphenated line breaks joined.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { DocumentBuilder } from './document-builder';
import { ExtractionRefused, type ExtractedDocument, type ExtractOptions, type Extractor } from './types';

type PdfJs = typeof import('pdfjs-dist/legacy/build/pdf.mjs');
let pdfjs: Promise<PdfJs> | null = null;
const pdfjsDir = dirname(createRequire(import.meta.url).resolve('pdfjs-dist/package.json'));

/** Loaded on the first PDF: it adds ~150 MB to a process, which one that never sees a PDF should not pay. */
function loadPdfJs(): Promise<PdfJs> {
  return (pdfjs ??= (async () => {
    // PDF.js needs DOMMatrix when its module loads and would take it from @napi-rs/canvas, a 32 MB
    // native renderer that text extraction never uses; a small pure-JS DOMMatrix does the job, so the
    // installer leaves the canvas out (build/electron-builder.yml).
    globalThis.DOMMatrix ??= (await import('@thednp/dommatrix')).default as unknown as typeof DOMMatrix;
    return import('pdfjs-dist/legacy/build/pdf.mjs');
  })());
}

const KEEP_HYPHEN = /(?:^|[^\p{L}])(non|self|co|re|pre|post|anti|multi|semi|sub|inter|cross|well|high|low|read|user|end|built|run)-$/iu;

/** Fewer visible characters than this in the whole file means there is no real text layer. */
const MIN_TEXT_CHARS = 20;

interface Line {
  text: string;
  y: number;
  height: number;
}

export class PdfExtractor implements Extractor {
  readonly fileTypes = ['pdf'] as const;

  async extract(bytes: Buffer, _fileType = 'pdf', options: ExtractOptions = {}): Promise<ExtractedDocument> {
    if (bytes.subarray(0, 1024).indexOf('%PDF-') < 0) throw new ExtractionRefused('not a PDF (no %PDF header)');
    const { getDocument } = await loadPdfJs();
    const task = getDocument({
      data: new Uint8Array(bytes), // PDF.js takes ownership of the array it is given
      isEvalSupported: false,
      disableFontFace: true,
      useSystemFonts: false,
      verbosity: 0,
      cMapUrl: join(pdfjsDir, 'cmaps') + '/',
      cMapPacked: true,
      standardFontDataUrl: join(pdfjsDir, 'standard_fonts') + '/',
    });
    let doc;
    try {
      doc = await task.promise;
    } catch (err) {
      await task.destroy().catch(() => {});
      throw refusalFor(err);
    }
    try {
      const pages: Line[][] = [];
      for (let n = 1; n <= doc.numPages; n++) {
        const page = await doc.getPage(n);
        try {
          const content = await page.getTextContent();
          pages.push(toLines(content.items as TextPiece[]));
        } catch {
          pages.push([]); // one broken page does not lose the others
        } finally {
          page.cleanup();
        }
        options.onProgress?.({ done: n, total: doc.numPages });
        options.signal?.throwIfAborted();
      }
      return buildText(pages);
    } catch (err) {
      if (options.signal?.aborted) throw err;
      throw refusalFor(err);
    } finally {
      await doc.destroy().catch(() => {});
    }
  }
}

function refusalFor(err: unknown): Error {
  if (err instanceof ExtractionRefused) return err;
  const name = (err as { name?: string })?.name;
  const message = err instanceof Error ? err.message : String(err);
  if (name === 'PasswordException') return new ExtractionRefused('password-protected PDF — Trove cannot read it without the password');
  if (name === 'InvalidPDFException' || name === 'FormatError' || name === 'UnknownErrorException') {
    return new ExtractionRefused(`damaged or truncated PDF (${message})`);
  }
  return new ExtractionRefused(`could not read this PDF (${message})`);
}

interface TextPiece {
  str?: string;
  transform?: number[];
  width?: number;
  height?: number;
  hasEOL?: boolean;
}

/** Text pieces → lines, in reading order as PDF.js gives them (content-stream order). */
function toLines(items: TextPiece[]): Line[] {
  const lines: Line[] = [];
  let cur: Line | null = null;
  let lastEnd = 0;
  let eol = false;
  for (const it of items) {
    if (typeof it.str !== 'string' || !it.transform) continue;
    const x = it.transform[4];
    const y = it.transform[5];
    const h = Math.abs(it.height || it.transform[3]) || 10;
    const newLine = !cur || eol || Math.abs(y - cur.y) > h * 0.5;
    if (newLine) {
      if (cur && cur.text.trim()) lines.push(cur);
      cur = { text: it.str, y, height: h };
    } else {
      // A gap wider than a fraction of the font size is a word space the PDF did not write out.
      const gap = x - lastEnd;
      if (gap > h * 0.15 && !/\s$/.test(cur!.text) && !/^\s/.test(it.str)) cur!.text += ' ';
      cur!.text += it.str;
      cur!.height = Math.max(cur!.height, h);
    }
    lastEnd = x + (it.width ?? 0);
    eol = !!it.hasEOL;
  }
  if (cur && cur.text.trim()) lines.push(cur);
  for (const l of lines) l.text = l.text.replace(/\s+/g, ' ').trim();
  return lines;
}

/** Lines at the top or bottom of a page that repeat (digits aside) on most pages: running heads, page numbers. */
function repeatedMargins(pages: Line[][]): Set<string> {
  const withText = pages.filter((p) => p.length > 0).length;
  if (withText < 3) return new Set();
  const counts = new Map<string, number>();
  for (const lines of pages) {
    const seen = new Set<string>();
    for (const l of [...lines.slice(0, 2), ...lines.slice(-2)]) seen.add(marginKey(l.text));
    for (const k of seen) counts.set(k, (counts.get(k) ?? 0) + 1);
  }
  const min = Math.max(3, Math.ceil(withText * 0.5));
  // Running heads and page numbers are short; a long line that repeats is body text (a table, a form).
  return new Set([...counts].filter(([k, n]) => n >= min && k.length <= 60).map(([k]) => k));
}

function marginKey(line: string): string {
  return line.toLowerCase().replace(/\d+/g, '#').replace(/\s+/g, ' ').trim();
}

function buildText(pages: Line[][]): ExtractedDocument {
  const margins = repeatedMargins(pages);
  const out = new DocumentBuilder();
  let visible = 0;
  for (const lines of pages) {
    out.page();
    const body = lines.filter((l, i) => !((i < 2 || i >= lines.length - 2) && margins.has(marginKey(l.text))));
    let prev: Line | null = null;
    let para = '';
    const flush = () => {
      if (para) out.append(para);
      out.paragraph();
      para = '';
    };
    for (const l of body) {
      visible += l.text.replace(/\s/g, '').length;
      // A vertical gap well above the line height starts a new paragraph.
      if (prev && Math.abs(prev.y - l.y) > Math.max(prev.height, l.height) * 1.8) flush();
      if (!para) para = l.text;
      else if (/[a-z]-$/.test(para) && /^[a-z]/.test(l.text)) {
        // A word broken at the line end is joined; a compound ("non-root", "self-contained") keeps its hyphen.
        para = KEEP_HYPHEN.test(para) ? para + l.text : para.slice(0, -1) + l.text;
      }
      else para += ' ' + l.text;
      prev = l;
    }
    flush();
  }
  if (visible < MIN_TEXT_CHARS) throw new ExtractionRefused('no text layer — scanned?');
  const doc = out.build();
  // Each page also starts a section, because the chunker never lets a passage run across a section
  // start: a passage then lies on one page, and "page N" is where its text is. (Pages still locate as
  // "page N": locate() prefers pageStarts.)
  doc.sections = (doc.pageStarts ?? []).map((start, i) => ({ start, level: 1, title: `page ${i + 1}` }));
  return doc;
}
