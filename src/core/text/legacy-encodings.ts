/**
 * Text that is not UTF-8: chardet's guesses of a legacy encoding (8-bit or CJK), and whether a
 * decoding reads as real text or as mojibake.
 */
import chardet from 'chardet';
import iconv from 'iconv-lite';
import { NotTextError } from './byte-signs';

/**
 * Real text in a legacy encoding has letters outside ASCII (é, ü, 中, あ, 한); a wrong guess, or bytes
 * that are not text at all, decode to runs of symbols (€‚ƒ„…†‡ˆ‰) instead.
 */
export function mostlyLetters(text: string): boolean {
  const nonAscii = text.match(/[^\x00-\x7F]/gu)?.length ?? 0;
  if (nonAscii < 8) return true;
  const letters = text.match(/[^\x00-\x7F](?<=[\p{L}\p{M}])/gu)?.length ?? 0;
  return letters >= nonAscii * 0.6;
}

/** UTF-8 that was once decoded as Latin-1 and saved again ("cafÃ©"): refused rather than stored. */
export function refuseMojibake(text: string): string {
  const marks = text.match(/[ÃÂ][\u0080-\u00BF]|â€[\u0080-\u00BF™œ“”˜]/g)?.length ?? 0;
  if (marks >= 3) {
    const nonAscii = text.match(/[^\x00-\x7F]/g)?.length ?? 0;
    if (marks * 2 >= nonAscii * 0.5) throw new NotTextError('garbled text (mojibake: UTF-8 that was decoded as Latin-1 and saved again)');
  }
  return text;
}

/** chardet's names, with ISO-8859-1 read as its superset windows-1252 (curly quotes, €, œ). */
export function legacyGuesses(bytes: Uint8Array, minConfidence: number): Array<{ name: string; confidence: number }> {
  const seen = new Set<string>();
  const out: Array<{ name: string; confidence: number }> = [];
  for (const g of chardet.analyse(bytes)) {
    if (g.confidence < minConfidence) break;
    const name = /^ISO-8859-1$/i.test(g.name) ? 'windows-1252' : g.name;
    if (/^(UTF|ASCII)/i.test(name) || !iconv.encodingExists(name) || seen.has(name)) continue;
    seen.add(name);
    out.push({ name, confidence: g.confidence });
  }
  return out;
}

/**
 * How unlike real text a decoding is: replacement characters, C1 controls and private-use characters (the bytes do not fit
 * at all), half-width katakana and Latin letters glued to CJK characters (Latin-1 read as Shift-JIS:
 * "était" → "騁ait"), runs of accented capitals and symbols (CJK read as Latin-1: "ÈçºÎÖØ").
 */
export function implausibility(text: string): number {
  const count = (re: RegExp) => text.match(re)?.length ?? 0;
  return (
    100 * count(/[\uFFFD\u0080-\u009F\uE000-\uF8FF]/g) +
    2 * count(/[\uFF61-\uFF9F]/g) +
    2 * count(/[A-Za-z](?=[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}])|[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}](?=[A-Za-z])/gu) +
    count(/[\u00C0-\u00FF\u0152-\u017F\u0192\u02C6-\u02DC\u2018-\u2030\u2039\u203A\u20AC\u2122\u00A1-\u00BF]{3,}/g) * 3 +
    2 * count(/[ƒ‚„†‡ˆ‰‹›¦¨¬¯´¸¹²³¼½¾]/g)
  );
}
