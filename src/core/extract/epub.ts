/**
 * E-books: the chapters in reading order (the OPF spine), each a section titled from the book's
 * table of contents (EPUB 3 nav or EPUB 2 NCX), so a hit reads "§ Chapter title › Heading".
 * DRM-encrypted books are refused with that reason rather than indexed as noise.
 */
import { Parser } from 'htmlparser2';
import { posix } from 'node:path';
import { htmlToText } from './html-text';
import { ExtractionRefused, type ExtractedDocument, type Extractor, type Section } from './types';
import { partText, readZipParts } from './zip-parts';

interface ManifestItem {
  href: string;
  type: string;
  properties: string;
}

export class EpubExtractor implements Extractor {
  readonly fileTypes = ['epub'] as const;

  async extract(bytes: Buffer): Promise<ExtractedDocument> {
    const parts = readZipParts(bytes, 'EPUB e-book', (n) => /\.(x?html?|xml|opf|ncx)$/i.test(n));
    const container = partText(parts, 'META-INF/container.xml');
    const opfPath = container && /<rootfile\b[^>]*full-path="([^"]+)"/.exec(container)?.[1];
    const opf = opfPath ? partText(parts, decodeURIComponent(opfPath)) : undefined;
    if (!opfPath || !opf) throw new ExtractionRefused('not a readable EPUB e-book (no package document)');
    const encryption = partText(parts, 'META-INF/encryption.xml') ?? '';
    // Font obfuscation is harmless; encrypted content documents mean DRM.
    if ([...encryption.matchAll(/<(?:\w+:)?CipherReference\b[^>]*URI="([^"]+)"/g)].some((m) => /\.x?html?$/i.test(m[1]))) {
      throw new ExtractionRefused('DRM-protected e-book — its chapters are encrypted');
    }
    const base = posix.dirname(opfPath);
    const resolve = (href: string) => posix.normalize(posix.join(base, decodeURIComponent(href.split('#')[0])));
    const manifest = new Map<string, ManifestItem>();
    for (const m of opf.matchAll(/<(?:\w+:)?item\b([^>]*)\/?>/g)) {
      const id = attr(m[1], 'id');
      const href = attr(m[1], 'href');
      if (id && href) manifest.set(id, { href: resolve(href), type: attr(m[1], 'media-type') ?? '', properties: attr(m[1], 'properties') ?? '' });
    }
    const toc = tableOfContents(parts, opf, manifest);
    const titles = new Map<string, string>();
    for (const e of toc) if (!titles.has(e.file)) titles.set(e.file, e.label);
    const spine = [...opf.matchAll(/<(?:\w+:)?itemref\b([^>]*)\/?>/g)]
      .filter((m) => attr(m[1], 'linear') !== 'no')
      .map((m) => manifest.get(attr(m[1], 'idref') ?? ''))
      .filter((it): it is ManifestItem => !!it && /html/.test(it.type) && !/\bnav\b/.test(it.properties))
      // Some generators list one file many times (an itemref per anchor): read each file once.
      .filter((it, i, all) => all.findIndex((o) => o.href === it.href) === i);

    let text = '';
    const sections: Section[] = [];
    let chapter = 0;
    for (const item of spine) {
      const html = partText(parts, item.href);
      if (!html) continue;
      const xml = /xhtml|xml/.test(item.type);
      const { doc, title, linkShare } = htmlToText(html, { headingOffset: 1, xml });
      let body = doc.build();
      const anchors = anchorsIn(toc, item.href);
      if (anchors.size > 0 && body.sections.every((sec) => sec.start < 16)) {
        // No headings in the markup (some generators style paragraphs instead): the table of contents'
        // entries into this chapter mark its sections where their anchors are.
        body = htmlToText(html, { headingOffset: 1, xml, anchors }).doc.build();
      }
      // A table of contents in the spine is all links: searching it would only point back at chapter titles.
      if (!body.text.trim() || (linkShare > 0.7 && spine.length > 1)) continue;
      chapter++;
      const first = body.sections[0];
      let name = titles.get(item.href) ?? first?.title ?? (title || `chapter ${chapter}`);
      // The chapter's own heading ("1. About this manual" for the contents' "About this manual") names
      // the chapter; it is not repeated one level down.
      const own = first && first.start < 16 && sameTitle(first.title, name) ? first : null;
      if (own) name = own.title;
      const start = text ? text.length + 2 : 0;
      text = text ? `${text}\n\n${body.text}` : body.text;
      sections.push({ start, level: 1, title: name });
      for (const s of body.sections) if (s !== own) sections.push({ ...s, start: start + s.start });
    }
    if (!text.trim()) throw new ExtractionRefused('no text to index (the e-book has no readable chapters)');
    return { text, sections };
  }
}

/** Contents entries pointing into `file` (not its first, which names the chapter), by anchor. */
function anchorsIn(toc: TocEntry[], file: string): Map<string, { level: number; title: string }> {
  const entries = toc.filter((e) => e.file === file);
  const top = entries[0]?.depth ?? 1;
  const out = new Map<string, { level: number; title: string }>();
  for (const e of entries.slice(1)) {
    if (e.fragment && !out.has(e.fragment)) out.set(e.fragment, { level: Math.max(2, 2 + e.depth - top), title: e.label });
  }
  return out;
}

/** Titles equal but for numbering and punctuation: "Chapter 1. About this manual" ~ "About this manual". */
function sameTitle(a: string, b: string): boolean {
  const bare = (t: string) =>
    t
      .toLowerCase()
      .replace(/^(chapter|part|appendix)?\s*([\divxlc]+|[a-z])?([.:)]\s*|\s+)(?=\S)/i, '')
      .replace(/[^\p{L}\p{N}]+/gu, ' ')
      .trim();
  return a === b || bare(a) === bare(b);
}

function attr(attrs: string, name: string): string | undefined {
  return new RegExp(`(?:^|\\s)${name}\\s*=\\s*"([^"]*)"`).exec(attrs)?.[1] ?? new RegExp(`(?:^|\\s)${name}\\s*=\\s*'([^']*)'`).exec(attrs)?.[1];
}

interface TocEntry {
  /** The chapter file, resolved inside the archive. */
  file: string;
  /** The anchor inside it, when the entry points into the chapter. */
  fragment: string | null;
  label: string;
  /** Nesting in the table of contents (1 = top). */
  depth: number;
}

/** The table of contents (EPUB 3 nav, else EPUB 2 NCX) in reading order. */
function tableOfContents(parts: Map<string, Uint8Array>, opf: string, manifest: Map<string, ManifestItem>): TocEntry[] {
  const out: TocEntry[] = [];
  const nav = [...manifest.values()].find((it) => /\bnav\b/.test(it.properties));
  const ncxId = /<(?:\w+:)?spine\b[^>]*\btoc="([^"]+)"/.exec(opf)?.[1];
  const ncx = (ncxId && manifest.get(ncxId)) || [...manifest.values()].find((it) => it.type === 'application/x-dtbncx+xml');
  const doc = nav ?? ncx;
  const xml = doc && partText(parts, doc.href);
  if (!doc || !xml) return out;
  const dir = posix.dirname(doc.href);
  let depth = 0;
  const add = (href: string, label: string) => {
    const [file, fragment] = href.split('#');
    const t = label.replace(/\s+/g, ' ').trim();
    if (t && file) out.push({ file: posix.normalize(posix.join(dir, decodeURIComponent(file))), fragment: fragment ? decodeURIComponent(fragment) : null, label: t, depth });
  };
  // Walk <ol><li><a href>text</a> (nav) or <navPoint><navLabel><text>…</text></navLabel><content src/> (NCX).
  let href: string | null = null;
  let label = '';
  let inLabel = false;
  let pendingLabel = '';
  const parser = new Parser(
    {
      onopentag(name, a) {
        const n = name.replace(/^\w+:/, '');
        if (n === 'ol' || n === 'navpoint') depth++;
        if (doc === nav && n === 'a' && a.href) {
          href = a.href;
          label = '';
        } else if (n === 'navlabel') {
          inLabel = true;
          pendingLabel = '';
        } else if (n === 'content' && a.src) add(a.src, pendingLabel);
      },
      ontext(t) {
        if (href !== null) label += t;
        if (inLabel) pendingLabel += t;
      },
      onclosetag(name) {
        const n = name.replace(/^\w+:/, '');
        if (n === 'ol' || n === 'navpoint') depth--;
        if (n === 'a' && href !== null) {
          add(href, label);
          href = null;
        } else if (n === 'navlabel') inLabel = false;
      },
    },
    { xmlMode: false, decodeEntities: true, lowerCaseTags: true },
  );
  parser.end(xml);
  return out;
}
