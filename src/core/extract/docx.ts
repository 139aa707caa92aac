/**
 * Word documents through mammoth: it maps Word's heading styles to h1..h6 (so headings become
 * sections, "§ Chapter › Section") and keeps lists and tables as text; the HTML it writes is read by
 * the same code as web pages.
 */
import mammoth from 'mammoth';
import { htmlToText } from './html-text';
import { ExtractionRefused, type ExtractedDocument, type Extractor } from './types';
import { checkZipSizes } from './zip-parts';

export class DocxExtractor implements Extractor {
  readonly fileTypes = ['docx'] as const;

  async extract(bytes: Buffer): Promise<ExtractedDocument> {
    checkZipSizes(bytes, 'Word document');
    let html: string;
    try {
      html = (await mammoth.convertToHtml({ buffer: bytes }, { ignoreEmptyParagraphs: true })).value;
    } catch (err) {
      throw new ExtractionRefused(`not a readable Word document (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`);
    }
    return htmlToText(html).doc.build();
  }
}
