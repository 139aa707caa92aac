/**
 * The rich-document readers, run inside the extraction process (src/worker/extract-worker.ts). Nothing here is
 * imported by the process that answers searches: it sees them only through IsolatedExtractor.
 */
import { DocxExtractor } from './docx';
import { EpubExtractor } from './epub';
import { HtmlExtractor } from './html';
import { MailExtractor } from './mail';
import { OdtExtractor } from './odt';
import { PdfExtractor } from './pdf';
import { PptxExtractor } from './pptx';
import { RtfExtractor } from './rtf';
import type { Extractor } from './types';

export function documentExtractors(): Extractor[] {
  return [
    new PdfExtractor(),
    new DocxExtractor(),
    new OdtExtractor(),
    new PptxExtractor(),
    new RtfExtractor(),
    new EpubExtractor(),
    new HtmlExtractor(),
    new MailExtractor(),
  ];
}
