/** Which extractor handles which file type. Richer formats register here. */
import { PLAIN_TEXT_FILE_TYPES } from '../file-types';
import { sharedDocumentExtractor } from './isolated-extractor';
import { PlainTextExtractor } from './plain-text';
import type { Extractor } from './types';

export class ExtractorRegistry {
  private readonly byType = new Map<string, Extractor>();

  constructor(extractors: Extractor[] = [new PlainTextExtractor(PLAIN_TEXT_FILE_TYPES), sharedDocumentExtractor()]) {
    for (const e of extractors) for (const t of e.fileTypes) this.byType.set(t, e);
  }

  /** The extractor for a lower-case extension; undefined when nothing can read it. */
  forType(fileType: string): Extractor | undefined {
    return this.byType.get(fileType);
  }

  supportedTypes(): string[] {
    return [...this.byType.keys()];
  }
}
