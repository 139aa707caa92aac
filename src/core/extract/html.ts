/**
 * Web pages saved to disk: the main text without navigation, the page title kept, headings as sections.
 * A page that is mostly links (a table of contents, an index page) keeps only its title: its link
 * texts name every topic of the site and would outrank the pages that hold them. A browser's
 * bookmarks export is the exception: there the links are the content.
 */
import iconv from 'iconv-lite';
import { decodeText } from './decode-text';
import { htmlToText } from './html-text';
import type { ExtractedDocument, Extractor } from './types';

/** Share of link text above which a page is a list of links (EPUB uses the same line for its contents pages). */
const LINK_PAGE = 0.7;
const BOOKMARKS = /NETSCAPE-Bookmark-file/i;

export class HtmlExtractor implements Extractor {
  readonly fileTypes = ['html', 'htm', 'xhtml'] as const;

  async extract(bytes: Buffer, fileType: string): Promise<ExtractedDocument> {
    const html = decodeHtml(bytes);
    const { doc, title, linkShare } = htmlToText(html, { dropBoilerplate: true, xml: fileType === 'xhtml' });
    const built = doc.build();
    if (linkShare > LINK_PAGE && built.text.length > 300 && !BOOKMARKS.test(html.slice(0, 200))) return withTitle({ text: '', sections: [] }, title);
    return withTitle(built, title);
  }
}

/** The charset a page declares (BOM first, then <meta charset>); else the plain-text rules. */
export function decodeHtml(bytes: Buffer): string {
  const bom = bytes[0] === 0xef || bytes[0] === 0xff || bytes[0] === 0xfe;
  if (!bom) {
    const head = bytes.subarray(0, 4096).toString('latin1');
    const m = /<meta[^>]+charset\s*=\s*["']?\s*([\w:.-]+)/i.exec(head) ?? /<\?xml[^>]+encoding\s*=\s*["']([\w.-]+)/i.exec(head);
    const declared = m?.[1].toLowerCase();
    // A page that says UTF-8 still goes through the strict UTF-8 check below, which refuses mojibake.
    if (declared && !/^utf-?8$/.test(declared) && iconv.encodingExists(declared)) return iconv.decode(bytes, declared);
  }
  return decodeText(bytes);
}

/** Keep the page title as the first line when the text does not already begin with it. */
export function withTitle(doc: ExtractedDocument, title: string): ExtractedDocument {
  if (!title || doc.text.startsWith(title)) return doc;
  const shift = title.length + 2;
  return {
    text: doc.text ? `${title}\n\n${doc.text}` : title,
    sections: doc.sections.map((s) => ({ ...s, start: s.start + shift })),
    ...(doc.pageStarts ? { pageStarts: [0, ...doc.pageStarts.slice(1).map((p) => p + shift)] } : {}),
  };
}
