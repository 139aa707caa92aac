/**
 * PowerPoint decks: slides in presentation order (from presentation.xml and its relationships, not
 * file names), each a section "slide N: title" so a hit reads "§ slide 3: Results"; the text of every
 * shape, then the speaker notes.
 */
import { Parser } from 'htmlparser2';
import { posix } from 'node:path';
import { DocumentBuilder } from './document-builder';
import { ExtractionRefused, type ExtractedDocument, type Extractor } from './types';
import { partText, readZipParts } from './zip-parts';

export class PptxExtractor implements Extractor {
  readonly fileTypes = ['pptx'] as const;

  async extract(bytes: Buffer): Promise<ExtractedDocument> {
    const parts = readZipParts(bytes, 'PowerPoint presentation', (n) => n.endsWith('.xml') || n.endsWith('.rels'));
    const slides = slideOrder(parts);
    if (slides.length === 0) throw new ExtractionRefused('not a readable PowerPoint presentation (no slides found)');
    const out = new DocumentBuilder();
    slides.forEach((path, i) => {
      const xml = partText(parts, path) ?? '';
      const { title, paragraphs } = slideText(xml);
      out.mark(1, title ? `slide ${i + 1}: ${title}` : `slide ${i + 1}`);
      for (const p of paragraphs) {
        out.append(p);
        out.paragraph();
      }
      const notes = notesOf(parts, path);
      if (notes.length) {
        out.append('Notes:');
        out.line();
        for (const p of notes) {
          out.append(p);
          out.line();
        }
        out.paragraph();
      }
    });
    return out.build();
  }
}

function relationships(parts: Map<string, Uint8Array>, of: string): Map<string, { target: string; type: string }> {
  const relsPath = posix.join(posix.dirname(of), '_rels', `${posix.basename(of)}.rels`);
  const xml = partText(parts, relsPath) ?? '';
  const out = new Map<string, { target: string; type: string }>();
  for (const m of xml.matchAll(/<Relationship\b([^>]*)\/?>/g)) {
    const id = /\bId="([^"]+)"/.exec(m[1])?.[1];
    const target = /\bTarget="([^"]+)"/.exec(m[1])?.[1];
    const type = /\bType="([^"]+)"/.exec(m[1])?.[1] ?? '';
    if (id && target) out.set(id, { target: posix.normalize(posix.join(posix.dirname(of), target)).replace(/^\/+/, ''), type });
  }
  return out;
}

function slideOrder(parts: Map<string, Uint8Array>): string[] {
  const pres = 'ppt/presentation.xml';
  const xml = partText(parts, pres);
  const rels = relationships(parts, pres);
  const ordered = xml
    ? [...xml.matchAll(/<p:sldId\b[^>]*\br:id="([^"]+)"/g)].map((m) => rels.get(m[1])?.target).filter((t): t is string => !!t && parts.has(t))
    : [];
  if (ordered.length) return ordered;
  // No usable presentation.xml: fall back to slide numbers in the part names.
  return [...parts.keys()]
    .filter((n) => /^ppt\/slides\/slide\d+\.xml$/.test(n))
    .sort((a, b) => Number(/(\d+)\.xml$/.exec(a)![1]) - Number(/(\d+)\.xml$/.exec(b)![1]));
}

function notesOf(parts: Map<string, Uint8Array>, slide: string): string[] {
  for (const { target, type } of relationships(parts, slide).values()) {
    if (type.endsWith('/notesSlide')) {
      // Notes slides repeat the slide number and image placeholder; keep only the body text.
      return slideText(partText(parts, target) ?? '', true).paragraphs.filter((p) => !/^\d+$/.test(p));
    }
  }
  return [];
}

/** Paragraphs (a:p) of every shape, and the text of the title placeholder. */
function slideText(xml: string, bodyOnly = false): { title: string; paragraphs: string[] } {
  const paragraphs: string[] = [];
  let title = '';
  let para: string | null = null;
  let inTitleShape = false;
  let shapeDepth = 0;
  let skipShape = false;
  let inText = false;
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        if (name === 'p:sp') {
          shapeDepth++;
          inTitleShape = false;
          skipShape = false;
        } else if (name === 'p:ph' && shapeDepth > 0) {
          const type = attrs.type ?? '';
          if (type === 'title' || type === 'ctrTitle') inTitleShape = true;
          if (bodyOnly && type !== 'body') skipShape = true;
          if (type === 'sldNum' || type === 'dt' || type === 'ftr') skipShape = true;
        } else if (name === 'a:p') para = '';
        else if (name === 'a:t') inText = true;
        else if (name === 'a:br' && para !== null) para += ' ';
        else if (name === 'a:tab' && para !== null) para += ' ';
      },
      ontext(text) {
        if (para !== null && inText) para += text;
      },
      onclosetag(name) {
        if (name === 'a:t') inText = false;
        if (name === 'a:p' && para !== null) {
          const t = para.replace(/\s+/g, ' ').trim();
          if (t && !skipShape) {
            paragraphs.push(t);
            if (inTitleShape) title = title ? `${title} ${t}` : t;
          }
          para = null;
        } else if (name === 'p:sp') {
          shapeDepth--;
          inTitleShape = false;
          skipShape = false;
        }
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.end(xml);
  return { title: title.length > 80 ? `${title.slice(0, 79)}…` : title, paragraphs };
}
