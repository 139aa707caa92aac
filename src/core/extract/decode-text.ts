/** Documents go through the one text decoder (core/text); what it cannot read is refused with its reason. */
import { NotTextError } from '../text/byte-signs';
import { decodeText as decode } from '../text/decode-text';
import { ExtractionRefused } from './types';

export function decodeText(bytes: Buffer): string {
  try {
    return decode(bytes).text;
  } catch (err) {
    throw err instanceof NotTextError ? new ExtractionRefused(err.message) : err;
  }
}
