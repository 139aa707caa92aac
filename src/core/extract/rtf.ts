/**
 * Rich Text Format. No npm package reads general RTF to text well and is maintained (rtf-parser and
 * @iarna/rtf-to-html are unmaintained; rtf-stream-parser only de-encapsulates Outlook's HTML), so
 * this is a small reader of the spec's text model: groups, destinations to skip (font tables,
 * pictures, fields' instructions), \uN with its \ucN fallback, \'hh bytes in the document's or the
 * font's code page (so GBK, Shift-JIS and Cyrillic RTF decode), and \outlinelevelN paragraphs
 * (what Word and pandoc write for headings) as sections.
 */
import iconv from 'iconv-lite';
import { DocumentBuilder } from './document-builder';
import { ExtractionRefused, type ExtractedDocument, type Extractor } from './types';

/** Destinations whose content is not document text. */
const SKIP_DESTINATIONS = new Set([
  'fonttbl', 'colortbl', 'stylesheet', 'info', 'pict', 'object', 'fldinst', 'listtable', 'listoverridetable',
  'rsidtbl', 'generator', 'xmlnstbl', 'themedata', 'colorschememapping', 'latentstyles', 'datastore',
  'filetbl', 'revtbl', 'header', 'headerl', 'headerr', 'headerf', 'footer', 'footerl', 'footerr', 'footerf',
  'bkmkstart', 'bkmkend', 'pgdsctbl', 'shppict', 'nonshppict', 'mmathPr', 'template', 'userprops', 'wgrffmtfilter',
]);
/** \fcharsetN → code page, for fonts that carry their own encoding. */
const CHARSET_CODEPAGE: Record<number, string> = {
  0: 'cp1252', 128: 'shift_jis', 129: 'cp949', 134: 'gbk', 136: 'big5', 161: 'cp1253', 162: 'cp1254',
  163: 'cp1258', 177: 'cp1255', 178: 'cp1256', 186: 'cp1257', 204: 'cp1251', 222: 'cp874', 238: 'cp1250',
};
const MAX_DEPTH = 10_000;

interface State {
  skip: boolean;
  uc: number;
  font: number;
  outline: number;
}

export class RtfExtractor implements Extractor {
  readonly fileTypes = ['rtf'] as const;

  async extract(bytes: Buffer): Promise<ExtractedDocument> {
    const src = bytes.toString('latin1');
    if (!/^\s*\{\\rtf/.test(src.slice(0, 64))) throw new ExtractionRefused('not an RTF document (no {\\rtf header)');
    return rtfToText(src).build();
  }
}

function rtfToText(src: string): DocumentBuilder {
  const out = new DocumentBuilder();
  const fonts = new Map<number, string>();
  let codepage = 'cp1252';
  let state: State = { skip: false, uc: 1, font: -1, outline: -1 };
  const stack: State[] = [];
  let pendingBytes: number[] = [];
  let para = '';
  let paraOutline = -1;
  let skipFallback = 0;
  let fontTableFont = -1;
  let inFontTable = 0;
  let groupStart = false;

  const flushBytes = () => {
    if (!pendingBytes.length) return;
    const cp = (state.font >= 0 && fonts.get(state.font)) || codepage;
    para += iconv.decode(Buffer.from(pendingBytes), iconv.encodingExists(cp) ? cp : 'cp1252');
    pendingBytes = [];
  };
  const text = (s: string) => {
    if (state.skip) return;
    if (skipFallback > 0) {
      const n = Math.min(skipFallback, s.length);
      skipFallback -= n;
      s = s.slice(n);
      if (!s) return;
    }
    flushBytes();
    para += s;
  };
  const endParagraph = () => {
    flushBytes();
    const t = para.replace(/[ \t]+/g, ' ').trim();
    if (t) {
      if (paraOutline >= 0 && paraOutline < 9 && t.length < 200) out.heading(Math.min(6, paraOutline + 1), t);
      else {
        out.append(t);
        out.paragraph();
      }
    }
    para = '';
    paraOutline = state.outline;
  };

  let i = 0;
  const n = src.length;
  while (i < n) {
    const c = src[i];
    if (c === '{') {
      flushBytes();
      if (stack.length >= MAX_DEPTH) throw new ExtractionRefused(`RTF groups nested deeper than ${MAX_DEPTH} levels — damaged or hostile file`);
      stack.push(state);
      state = { ...state };
      groupStart = true;
      i++;
      continue;
    }
    if (c === '}') {
      flushBytes();
      if (inFontTable && stack.length === inFontTable) inFontTable = 0;
      state = stack.pop() ?? state;
      groupStart = false;
      i++;
      continue;
    }
    if (c === '\\') {
      const next = src[i + 1];
      if (next === undefined) break;
      if (/[a-zA-Z]/.test(next)) {
        const m = /^([a-zA-Z]{1,32})(-?\d{1,10})? ?/.exec(src.slice(i + 1, i + 50))!;
        i += 1 + m[0].length;
        const word = m[1];
        const arg = m[2] !== undefined ? Number(m[2]) : undefined;
        const first = groupStart;
        groupStart = false;
        flushBytes();
        if (first && SKIP_DESTINATIONS.has(word)) {
          if (word === 'fonttbl') inFontTable = stack.length;
          else state.skip = true;
        }
        if (inFontTable) {
          if (word === 'f' && arg !== undefined) fontTableFont = arg;
          else if (word === 'fcharset' && arg !== undefined && CHARSET_CODEPAGE[arg]) fonts.set(fontTableFont, CHARSET_CODEPAGE[arg]);
          continue;
        }
        if (state.skip) continue;
        if (skipFallback > 0 && word !== 'u') {
          skipFallback--;
          continue;
        }
        switch (word) {
          case 'ansicpg':
            if (arg && iconv.encodingExists(`cp${arg}`)) codepage = `cp${arg}`;
            break;
          case 'f':
            state.font = arg ?? -1;
            break;
          case 'uc':
            state.uc = arg ?? 1;
            break;
          case 'u':
            if (arg !== undefined) {
              text(String.fromCharCode(arg < 0 ? arg + 65536 : arg));
              skipFallback = state.uc;
            }
            break;
          case 'par':
          case 'sect':
          case 'page':
            endParagraph();
            break;
          case 'pard':
            state.outline = -1;
            if (!para.trim()) paraOutline = -1;
            break;
          case 'outlinelevel':
            state.outline = arg ?? -1;
            if (!para.trim()) paraOutline = state.outline;
            break;
          case 'line':
          case 'row':
            text('\n');
            break;
          case 'tab':
          case 'cell':
            text(' ');
            break;
          case 'emdash':
            text('—');
            break;
          case 'endash':
            text('–');
            break;
          case 'bullet':
            text('•');
            break;
          case 'lquote':
            text('‘');
            break;
          case 'rquote':
            text('’');
            break;
          case 'ldblquote':
            text('“');
            break;
          case 'rdblquote':
            text('”');
            break;
          case 'bin':
            i += Math.max(0, arg ?? 0); // raw binary data follows
            break;
        }
        continue;
      }
      groupStart = false;
      if (next === "'") {
        const hex = src.slice(i + 2, i + 4);
        i += 4;
        if (state.skip || inFontTable) continue;
        if (skipFallback > 0) {
          skipFallback--;
          continue;
        }
        if (/^[0-9a-fA-F]{2}$/.test(hex)) pendingBytes.push(parseInt(hex, 16));
        continue;
      }
      i += 2;
      if (next === '*') {
        state.skip = true; // an optional destination this reader does not know
        continue;
      }
      if (inFontTable) continue;
      if (next === '~') text(' ');
      else if (next === '_') text('-');
      else if (next === '\\' || next === '{' || next === '}') text(next);
      else if (next === '\n' || next === '\r') endParagraph();
      continue;
    }
    if (c === '\r' || c === '\n') {
      i++;
      continue;
    }
    groupStart = false;
    // A run of plain characters at once.
    let j = i + 1;
    while (j < n && !'{}\\\r\n'.includes(src[j])) j++;
    if (!inFontTable) text(src.slice(i, j));
    i = j;
  }
  endParagraph();
  return out;
}
