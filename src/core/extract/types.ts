/**
 * The extractor interface: bytes of one file in, plain text out (plus structure the chunker can use
 * for cut points and locations). Richer formats (PDF, Office, HTML) plug in by implementing it.
 */

/** A heading in the extracted text: cut point for the chunker and "§ A › B" location for the UI. */
export interface Section {
  /** Offset of the heading's first character in the extracted text. */
  start: number;
  /** 1 for top level, 2 below it, ... */
  level: number;
  /** The heading text. */
  title: string;
}

export interface ExtractedDocument {
  /** The text that is chunked and embedded; every offset in the index points into it. */
  text: string;
  /** Headings in order of `start`; empty when the format has none. */
  sections: Section[];
  /** Offsets where pages start (page 1 at index 0), for paged formats; absent otherwise. */
  pageStarts?: number[];
}

/** How far the reading of one document is (paged formats report pages). */
export interface ReadingProgress {
  /** Pages read so far. */
  done: number;
  /** Pages in the document. */
  total: number;
}

export interface ExtractOptions {
  /** Stop reading (the indexer is shutting down); the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Called as a long document is read, so a 300-page manual does not look stuck. */
  onProgress?: (progress: ReadingProgress) => void;
}

export interface Extractor {
  /** Lower-case extensions without the dot that this extractor handles. */
  readonly fileTypes: readonly string[];
  /** Extract the text of a file; throws ExtractionRefused with a reason a person can act on. */
  extract(bytes: Buffer, fileType: string, options?: ExtractOptions): Promise<ExtractedDocument>;
}

/** The file was read but holds nothing Trove can index; `message` is the reason shown to the user. */
export class ExtractionRefused extends Error {
  override name = 'ExtractionRefused';
}
