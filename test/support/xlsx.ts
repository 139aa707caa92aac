/**
 * Small .xlsx workbooks written at test time, part by part, the way Excel lays them out (shared
 * strings, a styles part with number formats, workbook relationships), so a test can hold the exact
 * XML a reader must cope with: rich-text runs, phonetic runs, inline strings, 1904 dates, cells
 * without addresses, sheets whose tab order differs from their file names.
 */
import { strToU8, zipSync } from 'fflate';

export interface SheetSpec {
  name: string;
  /** The inside of <sheetData>: <row> elements. */
  rows: string;
  /** XML after </sheetData>, e.g. <mergeCells>. */
  after?: string;
  /** The part's file name under xl/ (default worksheets/sheetN.xml, N its place in the tab order). */
  path?: string;
  /** A chart sheet, not a table (readers must pass over it). */
  chart?: boolean;
}

export interface WorkbookSpec {
  sheets: SheetSpec[];
  /** The inside of each <si> of the shared strings part, in index order. */
  sharedStrings?: string[];
  /** The inside of <styleSheet> (numFmts, cellXfs ...). */
  styles?: string;
  date1904?: boolean;
}

const MAIN = 'http://schemas.openxmlformats.org/spreadsheetml/2006/main';
const REL = 'http://schemas.openxmlformats.org/officeDocument/2006/relationships';
const PKG = 'http://schemas.openxmlformats.org/package/2006/relationships';
const head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';

/** The bytes of a workbook made of `spec`. */
export function xlsxBytes(spec: WorkbookSpec): Buffer {
  const files: Record<string, Uint8Array> = {};
  const put = (name: string, xml: string) => (files[name] = strToU8(head + xml));
  const rels: string[] = [];
  const sheets: string[] = [];
  spec.sheets.forEach((s, i) => {
    const path = s.path ?? `${s.chart ? 'chartsheets' : 'worksheets'}/sheet${i + 1}.xml`;
    const type = s.chart ? 'chartsheet' : 'worksheet';
    rels.push(`<Relationship Id="rId${i + 1}" Type="${REL}/${type}" Target="${path}"/>`);
    sheets.push(`<sheet name="${s.name}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`);
    put(`xl/${path}`, s.chart ? `<chartsheet xmlns="${MAIN}"/>` : `<worksheet xmlns="${MAIN}"><sheetData>${s.rows}</sheetData>${s.after ?? ''}</worksheet>`);
  });
  if (spec.sharedStrings) {
    rels.push(`<Relationship Id="rIdS" Type="${REL}/sharedStrings" Target="sharedStrings.xml"/>`);
    const n = spec.sharedStrings.length;
    put('xl/sharedStrings.xml', `<sst xmlns="${MAIN}" count="${n}" uniqueCount="${n}">${spec.sharedStrings.map((s) => `<si>${s}</si>`).join('')}</sst>`);
  }
  if (spec.styles) {
    rels.push(`<Relationship Id="rIdY" Type="${REL}/styles" Target="styles.xml"/>`);
    put('xl/styles.xml', `<styleSheet xmlns="${MAIN}">${spec.styles}</styleSheet>`);
  }
  put('[Content_Types].xml', `<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/></Types>`);
  put('_rels/.rels', `<Relationships xmlns="${PKG}"><Relationship Id="rId1" Type="${REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`);
  put('xl/_rels/workbook.xml.rels', `<Relationships xmlns="${PKG}">${rels.join('')}</Relationships>`);
  put('xl/workbook.xml', `<workbook xmlns="${MAIN}" xmlns:r="${REL}">${spec.date1904 ? '<workbookPr date1904="1"/>' : ''}<sheets>${sheets.join('')}</sheets></workbook>`);
  return Buffer.from(zipSync(files));
}

/** One row of inline-string cells from column A: the simplest table a test needs. */
export function inlineRow(r: number, cells: string[]): string {
  const col = (i: number) => String.fromCharCode(65 + i);
  const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');
  return `<row r="${r}">${cells.map((c, i) => `<c r="${col(i)}${r}" t="inlineStr"><is><t xml:space="preserve">${esc(c)}</t></is></c>`).join('')}</row>`;
}
