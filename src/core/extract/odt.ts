/**
 * OpenDocument text (LibreOffice, pandoc): content.xml read with htmlparser2 in XML mode. Headings
 * (text:h with their outline level) become sections; spaces, tabs and line breaks are kept as ODF
 * encodes them (text:s, text:tab, text:line-break).
 */
import { Parser } from 'htmlparser2';
import { DocumentBuilder } from './document-builder';
import { ExtractionRefused, type ExtractedDocument, type Extractor } from './types';
import { partText, readZipParts } from './zip-parts';

const SKIP = new Set(['office:annotation', 'text:tracked-changes', 'text:note-citation', 'office:forms', 'draw:image']);
const PARAGRAPH = new Set(['text:p', 'table:table', 'text:list', 'draw:frame']);
const LINE = new Set(['text:line-break', 'text:list-item', 'table:table-row']);

export class OdtExtractor implements Extractor {
  readonly fileTypes = ['odt'] as const;

  async extract(bytes: Buffer): Promise<ExtractedDocument> {
    const parts = readZipParts(bytes, 'OpenDocument text', (n) => n === 'content.xml');
    const xml = partText(parts, 'content.xml');
    if (xml === undefined) throw new ExtractionRefused('not a readable OpenDocument text (content.xml is missing)');
    return odfToText(xml).build();
  }
}

export function odfToText(xml: string): DocumentBuilder {
  const out = new DocumentBuilder();
  let skip = 0;
  let inBody = false;
  const stack: string[] = [];
  const parser = new Parser(
    {
      onopentag(name, attrs) {
        stack.push(name);
        if (name === 'office:body') inBody = true;
        if (SKIP.has(name)) skip++;
        if (skip || !inBody) return;
        if (name === 'text:h') out.startHeading(Math.min(6, Math.max(1, Number(attrs['text:outline-level']) || 1)));
        else if (PARAGRAPH.has(name)) out.paragraph();
        else if (LINE.has(name)) out.line();
        else if (name === 'text:tab' || name === 'table:table-cell') out.append(' ');
        else if (name === 'text:s') out.append(' ');
      },
      ontext(text) {
        if (!skip && inBody) out.append(text);
      },
      onclosetag(name) {
        stack.pop();
        if (SKIP.has(name)) skip--;
        if (skip || !inBody) return;
        if (name === 'text:h') out.endHeading();
        else if (PARAGRAPH.has(name)) out.paragraph();
        else if (name === 'table:table-row') out.line();
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.end(xml);
  return out;
}
