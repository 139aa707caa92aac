/**
 * The cell text of one sheet of an .xlsx workbook, read from its XML parts (zip-parts.ts, so a zip bomb
 * is refused on what it really inflates, and only the parts needed are inflated: the workbook, its
 * relationships, the chosen sheet, the shared strings and the styles that say which numbers are dates).
 *
 * Cells read as ExcelJS 4 gave them to Trove before: shared and inline strings (rich-text runs joined,
 * phonetic guides left out, Excel's _xHHHH_ escapes decoded), numbers as JavaScript prints them, TRUE and
 * FALSE as "true" and "false", numbers in a date format as ISO dates (UTC; the 1904 date system too),
 * formulas by their cached result, errors as empty cells, and a merged range repeating its top-left
 * cell in every cell it covers. The workbook's sheet order is its tab order (workbook.xml), not the
 * part names.
 */
import { Parser } from 'htmlparser2';
import { posix } from 'node:path';
import { ExtractionRefused } from './types';
import { readZipParts, type ZipParts } from './zip-parts';

const KIND = 'Excel workbook';
const REL_TYPE = /\/(officeDocument|worksheet|sharedStrings|styles)$/;

export interface SheetCells {
  /** The name on the sheet's tab. */
  name: string;
  /** The last row number that has a row, a cell or a merged range (rows are 1-based). */
  rowCount: number;
  /** The last column any cell stands in, formatted empty cells and merged ranges included. */
  columnCount: number;
  /** The text of row `r`'s cells up to its last cell with a value; a cell without one is "". */
  row(r: number): string[];
}

export interface XlsxWorkbook {
  /** Worksheet names in tab order (chart sheets left out). */
  sheetNames: string[];
  /** Read the sheet at `index` (0-based, tab order). */
  sheet(index: number): SheetCells;
}

/** Open a workbook: reads the workbook part and its relationships, no sheet yet. */
export function openXlsx(bytes: Uint8Array): XlsxWorkbook {
  const top = readParts(bytes, ['_rels/.rels', 'xl/workbook.xml', 'xl/_rels/workbook.xml.rels']);
  const bookPath = [...relationships(top, '').values()].find((r) => r.type === 'officeDocument')?.target ?? 'xl/workbook.xml';
  const book = bookPath === 'xl/workbook.xml' ? top : readParts(bytes, [bookPath, relsPath(bookPath)]);
  const xml = text(book, bookPath);
  if (xml === undefined) throw new ExtractionRefused(`not a readable .xlsx workbook (no ${bookPath})`);
  const rels = relationships(book, bookPath);
  const { sheets, date1904 } = workbookInfo(xml);
  const tables = sheets.flatMap((s) => {
    const rel = rels.get(s.rid);
    return rel?.type === 'worksheet' ? [{ name: s.name, path: rel.target }] : [];
  });
  const shared = [...rels.values()].find((r) => r.type === 'sharedStrings')?.target;
  const styles = [...rels.values()].find((r) => r.type === 'styles')?.target;
  return {
    sheetNames: tables.map((t) => t.name),
    sheet(index) {
      const table = tables[index];
      if (!table) throw new RangeError(`no sheet ${index + 1}`);
      const parts = readParts(bytes, [table.path, shared, styles]);
      const xml = parts.get(table.path.toLowerCase());
      if (!xml) throw new ExtractionRefused(`not a readable .xlsx workbook (sheet "${table.name}" has no ${table.path})`);
      const strings = shared ? sharedStrings(text(parts, shared) ?? '') : [];
      const dates = styles ? dateStyles(text(parts, styles) ?? '') : new Set<number>();
      return readSheet(table.name, xml, { strings, dates, date1904 });
    },
  };
}

/** Inflate the named parts (part names are case-insensitive in a package); keys are lower case. */
function readParts(bytes: Uint8Array, names: (string | undefined)[]): ZipParts {
  const want = new Set(names.filter((n): n is string => !!n).map((n) => n.toLowerCase()));
  const parts = readZipParts(bytes, KIND, (n) => want.has(n.toLowerCase()));
  return new Map([...parts].map(([k, v]) => [k.toLowerCase(), v]));
}

function text(parts: ZipParts, name: string): string | undefined {
  const p = parts.get(name.toLowerCase());
  return p ? new TextDecoder('utf-8').decode(p) : undefined;
}

function relsPath(of: string): string {
  return posix.join(posix.dirname(of), '_rels', `${posix.basename(of)}.rels`);
}

/** A part's relationships by id: the short type ("worksheet") and the target as a part name. */
function relationships(parts: ZipParts, of: string): Map<string, { type: string; target: string }> {
  const out = new Map<string, { type: string; target: string }>();
  const xml = text(parts, of ? relsPath(of) : '_rels/.rels');
  if (!xml) return out;
  eachElement(xml, (name, attrs) => {
    if (name !== 'Relationship' || !attrs.Id || !attrs.Target || attrs.TargetMode === 'External') return;
    const type = REL_TYPE.exec(attrs.Type ?? '')?.[1] ?? attrs.Type ?? '';
    const target = attrs.Target.startsWith('/') ? attrs.Target.slice(1) : posix.join(posix.dirname(of), attrs.Target);
    out.set(attrs.Id, { type, target: posix.normalize(target) });
  });
  return out;
}

function workbookInfo(xml: string): { sheets: { name: string; rid: string }[]; date1904: boolean } {
  const sheets: { name: string; rid: string }[] = [];
  let date1904 = false;
  eachElement(xml, (name, attrs) => {
    if (name === 'workbookPr') date1904 = attrs.date1904 === '1' || attrs.date1904 === 'true';
    if (name !== 'sheet') return;
    // The relationship id is r:id with whatever prefix the file bound to the relationships namespace.
    const rid = Object.entries(attrs).find(([k]) => /(^|:)id$/.test(k))?.[1];
    if (attrs.name !== undefined && rid) sheets.push({ name: attrs.name, rid });
  });
  return { sheets, date1904 };
}

/** Call `visit` for every opening tag, by its local name (prefixes such as x: dropped). */
function eachElement(xml: string, visit: (name: string, attrs: Record<string, string>) => void): void {
  const parser = new Parser({ onopentag: (name, attrs) => visit(localName(name), attrs) }, { xmlMode: true, decodeEntities: true });
  parser.end(xml);
}

const localName = (name: string) => name.slice(name.indexOf(':') + 1);

/** Excel writes characters XML cannot hold (and a literal "_x") as _xHHHH_. */
const unescapeExcel = (s: string) => (s.includes('_x') ? s.replace(/_x([0-9A-Fa-f]{4})_/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : s);

/**
 * A string item's text: its <t>, or its rich-text runs' <t>s joined; not the phonetic guide (<rPh>),
 * which repeats a Japanese word's reading.
 */
class StringItem {
  private parts: string[] = [];
  private inText = false;
  private phonetic = 0;
  open(name: string): void {
    if (name === 'rPh') this.phonetic++;
    else if (name === 't' && this.phonetic === 0) this.inText = true;
  }
  close(name: string): void {
    if (name === 'rPh') this.phonetic--;
    else if (name === 't') this.inText = false;
  }
  text(chunk: string): void {
    if (this.inText) this.parts.push(chunk);
  }
  /** The text, or undefined when the item held no <t> text at all. */
  value(): string | undefined {
    return this.parts.length ? unescapeExcel(this.parts.join('')) : undefined;
  }
}

function sharedStrings(xml: string): string[] {
  const out: string[] = [];
  let item: StringItem | null = null;
  const parser = new Parser(
    {
      onopentag(raw) {
        const name = localName(raw);
        if (name === 'si') item = new StringItem();
        else item?.open(name);
      },
      ontext: (t) => item?.text(t),
      onclosetag(raw) {
        const name = localName(raw);
        if (name === 'si' && item) {
          out.push(item.value() ?? '');
          item = null;
        } else item?.close(name);
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.end(xml);
  return out;
}

/** Built-in number formats that show dates or times (ECMA-376 18.8.30). */
const BUILTIN_DATE_FORMATS = new Set([14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47]);

/** A format code shows a date or time when, outside quotes and [colour]/[h] brackets, it has y m d h s or b. */
export function isDateFormat(code: string): boolean {
  return /[ymdhMsb]/.test(code.replace(/\\(.)/g, '$1').replace(/\[[^\]]*]/g, '').replace(/"[^"]*"/g, ''));
}

/** The style indexes (a cell's s="…") whose number format is a date. */
function dateStyles(xml: string): Set<number> {
  const custom = new Map<number, string>();
  const formats: number[] = [];
  let inCellXfs = false;
  const parser = new Parser(
    {
      onopentag(raw, attrs) {
        const name = localName(raw);
        if (name === 'numFmt') custom.set(Number(attrs.numFmtId), attrs.formatCode ?? '');
        else if (name === 'cellXfs') inCellXfs = true;
        else if (name === 'xf' && inCellXfs) formats.push(Number(attrs.numFmtId ?? 0));
      },
      onclosetag(raw) {
        if (localName(raw) === 'cellXfs') inCellXfs = false;
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  parser.end(xml);
  const out = new Set<number>();
  formats.forEach((id, style) => {
    const code = custom.get(id);
    if (code !== undefined ? isDateFormat(code) : BUILTIN_DATE_FORMATS.has(id)) out.add(style);
  });
  return out;
}

/** Excel's day number as a UTC instant (day 25569 is 1970-01-01; the 1904 system starts 1,462 days later). */
function excelDate(n: number, date1904: boolean): string {
  const d = new Date(Math.round((n - 25569 + (date1904 ? 1462 : 0)) * 86_400_000));
  return Number.isNaN(d.getTime()) ? String(n) : d.toISOString();
}

/** Column letters (A, Z, AA …) of a cell reference such as "AB12", as a 1-based number. */
function columnOf(ref: string): number {
  let col = 0;
  for (const ch of ref.toUpperCase()) {
    const c = ch.charCodeAt(0);
    if (c < 65 || c > 90) break;
    col = col * 26 + (c - 64);
  }
  return col;
}

interface CellContext {
  strings: string[];
  dates: Set<number>;
  date1904: boolean;
}

/** The cell's text from its type (t), style (s) and value (<v>, or an inline string's text). */
function cellValue(type: string, style: number, v: string, ctx: CellContext): string {
  switch (type) {
    case 's':
      return ctx.strings[parseInt(v, 10)] ?? '';
    case 'inlineStr':
    case 'str':
      return v;
    case 'b':
      return parseInt(v, 10) !== 0 ? 'true' : 'false';
    case 'e':
      return '';
    case 'd': {
      const d = new Date(v);
      return Number.isNaN(d.getTime()) ? v : d.toISOString();
    }
    default: {
      const n = parseFloat(v);
      if (Number.isNaN(n)) return v.trim();
      return ctx.dates.has(style) ? excelDate(n, ctx.date1904) : String(n);
    }
  }
}

/** Parse a worksheet part, fed to the parser in slices so a large sheet is never one huge string. */
function readSheet(name: string, xml: Uint8Array, ctx: CellContext): SheetCells {
  const rows = new Map<number, string[]>();
  let rowCount = 0;
  let columnCount = 0;
  let rowNumber = 0;
  let col = 0;
  let cell: { type: string; style: number; col: number; v: string[] | null; inline: StringItem | null } | null = null;
  let inV = false;
  const merges: string[] = [];
  const put = (r: number, c: number, value: string) => {
    let cells = rows.get(r);
    if (!cells) rows.set(r, (cells = []));
    while (cells.length < c - 1) cells.push('');
    cells[c - 1] = value;
  };
  const parser = new Parser(
    {
      onopentag(raw, attrs) {
        const tag = localName(raw);
        if (cell?.inline) {
          cell.inline.open(tag);
          return;
        }
        if (tag === 'row') {
          const r = parseInt(attrs.r ?? '', 10);
          rowNumber = r > 0 ? r : rowNumber + 1;
          rowCount = Math.max(rowCount, rowNumber);
          col = 0;
        } else if (tag === 'c') {
          // A cell without an address follows the one before it (Excel omits r in some files).
          col = attrs.r ? columnOf(attrs.r) || col + 1 : col + 1;
          cell = { type: attrs.t ?? 'n', style: parseInt(attrs.s ?? '0', 10) || 0, col, v: null, inline: null };
        } else if (tag === 'v' && cell) {
          inV = true;
          cell.v ??= [];
        } else if (tag === 'is' && cell) cell.inline = new StringItem();
        else if (tag === 'mergeCell' && attrs.ref) merges.push(attrs.ref);
      },
      ontext(t) {
        if (cell?.inline) cell.inline.text(t);
        else if (inV && cell?.v) cell.v.push(t);
      },
      onclosetag(raw) {
        const tag = localName(raw);
        if (tag === 'is' && cell?.inline) {
          const inline = cell.inline.value();
          cell.inline = null;
          if (inline !== undefined) cell.v = [inline];
          cell.type = 'inlineStr';
          return;
        }
        if (cell?.inline) {
          cell.inline.close(tag);
          return;
        }
        if (tag === 'v') inV = false;
        else if (tag === 'c' && cell) {
          const v = cell.v?.join('');
          // A cell with a value, or an empty one with a format of its own, widens the table.
          if (v !== undefined && v !== '') {
            put(rowNumber, cell.col, cellValue(cell.type, cell.style, v, ctx));
            columnCount = Math.max(columnCount, cell.col);
          } else if (cell.style > 0) columnCount = Math.max(columnCount, cell.col);
          cell = null;
        }
      },
    },
    { xmlMode: true, decodeEntities: true },
  );
  const decoder = new TextDecoder('utf-8');
  const SLICE = 1 << 20;
  for (let at = 0; at < xml.length; at += SLICE) parser.write(decoder.decode(xml.subarray(at, at + SLICE), { stream: true }));
  parser.end(decoder.decode());

  for (const ref of merges) {
    const [from, to = from] = ref.split(':');
    const top = parseInt(from.replace(/^[A-Za-z]+/, ''), 10);
    const bottom = parseInt(to.replace(/^[A-Za-z]+/, ''), 10);
    const left = columnOf(from);
    const right = columnOf(to);
    if (!(top > 0 && bottom >= top && left > 0 && right >= left) || (bottom - top + 1) * (right - left + 1) > 1_000_000) continue;
    const master = rows.get(top)?.[left - 1] ?? '';
    for (let r = top; r <= bottom; r++) for (let c = left; c <= right; c++) if (r > top || c > left) put(r, c, master);
    rowCount = Math.max(rowCount, bottom);
    columnCount = Math.max(columnCount, right);
  }
  return { name, rowCount, columnCount, row: (r) => rows.get(r)?.slice() ?? [] };
}
