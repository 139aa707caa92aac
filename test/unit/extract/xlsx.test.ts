/**
 * The XLSX reader (extract/xlsx.ts) against workbooks that hold what Excel's XML asks of a reader. The
 * expected cells are what ExcelJS 4.4 gave Trove for the same bytes, recorded before it was dropped;
 * one deliberate difference is marked. exceljs-written.xlsx is the workbook the bank import test wrote
 * with ExcelJS, kept as a file another writer made.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { openXlsx, isDateFormat, type SheetCells } from '../../../src/core/extract/xlsx';
import { ExtractionRefused } from '../../../src/core/extract/types';
import { inlineRow, xlsxBytes } from '../../support/xlsx';

const STYLES =
  '<numFmts count="3"><numFmt numFmtId="164" formatCode="yyyy\\-mm\\-dd"/><numFmt numFmtId="165" formatCode="0.00&quot; kg&quot;"/><numFmt numFmtId="166" formatCode="[Red]0.0"/></numFmts>' +
  '<cellXfs count="7"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="164" applyNumberFormat="1"/><xf numFmtId="165" applyNumberFormat="1"/><xf numFmtId="22" applyNumberFormat="1"/><xf numFmtId="49" applyNumberFormat="1"/><xf numFmtId="166" applyNumberFormat="1"/></cellXfs>';

const SHARED = [
  '<t>Question</t>',
  '<t>Answer</t>',
  '<r><rPr><b/></rPr><t xml:space="preserve">How do I </t></r><r><t>reset</t></r><r><rPr><i/></rPr><t xml:space="preserve"> my password?</t></r>',
  '<t>東京</t><rPh sb="0" eb="2"><t>トウキョウ</t></rPh><phoneticPr fontId="1"/>',
  '<t>Line one_x000D_\nline two &amp; more</t>',
  '<t xml:space="preserve">  padded  </t>',
];

const TYPES_ROWS = [
  '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c><c r="C1" t="inlineStr"><is><t>Kind</t></is></c></row>',
  '<row r="2"><c r="A2" t="s"><v>2</v></c><c r="B2"><v>42</v></c><c r="C2" t="b"><v>1</v></c><c r="D2" t="inlineStr"><is><t>merged answer</t></is></c></row>',
  '<row r="3"><c r="A3" t="s"><v>3</v></c><c r="B3" s="1"><v>45000</v></c><c r="C3" t="b"><v>0</v></c></row>',
  '<row r="4"><c r="A4" t="s"><v>4</v></c><c r="B4" s="2"><v>45000.5</v></c><c r="C4" t="e"><v>#N/A</v></c></row>',
  '<row r="5"><c r="A5" t="s"><v>5</v></c><c r="B5" s="3"><v>12.5</v></c><c r="C5"><f>1+1</f><v>2</v></c><c r="D5" s="6"><v>-3.25</v></c></row>',
  '<row r="6"><c r="A6" t="str"><f>A1&amp;"x"</f><v>Questionx</v></c><c r="B6" s="4"><f>NOW()</f><v>45000.25</v></c><c r="C6"><f>B2*2</f></c></row>',
  '<row r="7"><c r="A7" t="inlineStr"><is><t>no address after me</t></is></c><c><v>7</v></c><c t="inlineStr"><is><t>third</t></is></c></row>',
  '<row r="9"><c r="B9" s="1"/><c r="E9"/><c r="A9" s="5" t="s"><v>1</v></c></row>',
  '<row r="10"><c r="A10" t="inlineStr"><is><r><t xml:space="preserve">rich </t></r><r><t>inline</t></r></is></c><c r="B10"><v>1.5E-3</v></c><c r="C10"><v>123456789012345678</v></c></row>',
  '<row r="11"><c r="A11" t="inlineStr"><is><t>wide</t></is></c></row>',
  '<row r="12" ht="20" customHeight="1"/>',
].join('');

const types = () =>
  xlsxBytes({
    sheets: [
      { name: 'Types', rows: TYPES_ROWS, after: '<mergeCells count="2"><mergeCell ref="D2:D4"/><mergeCell ref="A11:C11"/></mergeCells>' },
      { name: 'Zweite Seite', path: 'worksheets/sheet7.xml', rows: inlineRow(1, ['only', 'row']) },
    ],
    sharedStrings: SHARED,
    styles: STYLES,
  });

function rowsOf(sheet: SheetCells): Record<number, string[]> {
  const out: Record<number, string[]> = {};
  for (let r = 1; r <= sheet.rowCount; r++) out[r] = sheet.row(r);
  return out;
}

describe('XLSX sheets', () => {
  test('shared and inline strings, rich text, numbers, booleans, dates, formulas, errors, merged cells', () => {
    const book = openXlsx(types());
    assert.deepEqual(book.sheetNames, ['Types', 'Zweite Seite']);
    const sheet = book.sheet(0);
    assert.equal(sheet.rowCount, 12);
    assert.equal(sheet.columnCount, 4);
    assert.deepEqual(rowsOf(sheet), {
      1: ['Question', 'Answer', 'Kind'],
      2: ['How do I reset my password?', '42', 'true', 'merged answer'],
      3: ['東京', '2023-03-15T00:00:00.000Z', 'false', 'merged answer'],
      4: ['Line one\r\nline two & more', '2023-03-15T12:00:00.000Z', '', 'merged answer'],
      5: ['  padded  ', '12.5', '2', '-3.25'],
      // ExcelJS gave "[object Object]" for C6, a formula with no cached result: now an empty cell.
      6: ['Questionx', '2023-03-15T06:00:00.000Z'],
      7: ['no address after me', '7', 'third'],
      8: [],
      9: ['Answer'],
      10: ['rich inline', '0.0015', '123456789012345680'],
      11: ['wide', 'wide', 'wide'],
      12: [],
    });
    assert.deepEqual(rowsOf(book.sheet(1)), { 1: ['only', 'row'] });
  });

  test('sheets are in tab order, not by part name; chart sheets are not tables', () => {
    const book = openXlsx(
      xlsxBytes({
        sheets: [
          { name: 'Zeta', path: 'worksheets/sheet2.xml', rows: inlineRow(1, ['from Zeta']) },
          { name: 'Chart', chart: true, rows: '' },
          { name: 'Alpha', path: 'worksheets/sheet1.xml', rows: inlineRow(1, ['from Alpha']) },
        ],
      }),
    );
    assert.deepEqual(book.sheetNames, ['Zeta', 'Alpha']);
    assert.deepEqual(book.sheet(0).row(1), ['from Zeta']);
    assert.deepEqual(book.sheet(1).row(1), ['from Alpha']);
  });

  test('the 1904 date system; a number in a general format stays a number', () => {
    const book = openXlsx(
      xlsxBytes({
        date1904: true,
        styles: '<cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14"/></cellXfs>',
        sheets: [{ name: 'Dates', rows: '<row r="1"><c r="A1" s="1"><v>0</v></c><c r="B1" s="1"><v>43830</v></c><c r="C1" s="0"><v>43830</v></c></row>' }],
      }),
    );
    assert.deepEqual(book.sheet(0).row(1), ['1904-01-01T00:00:00.000Z', '2024-01-01T00:00:00.000Z', '43830']);
  });

  test('date formats: y m d h s outside quotes and brackets', () => {
    for (const code of ['yyyy\\-mm\\-dd', 'dd/mm/yyyy hh:mm', '[$-409]mmmm d, yyyy', '[h]:mm:ss']) assert.ok(isDateFormat(code), code);
    for (const code of ['0.00" kg"', '[Red]0.0', '#,##0', 'General', '@']) assert.ok(!isDateFormat(code), code);
  });

  test('a workbook ExcelJS wrote: its sheets read as ExcelJS read them', () => {
    const book = openXlsx(readFileSync(join(import.meta.dirname, '..', '..', 'fixtures', 'questions', 'exceljs-written.xlsx')));
    assert.deepEqual(book.sheetNames, ['FAQ', 'Typed']);
    const faq = book.sheet(0);
    assert.deepEqual([faq.rowCount, faq.columnCount], [4, 3]);
    assert.deepEqual(rowsOf(faq), { 1: ['Ref', 'Q', 'A'], 2: ['a1', 'How do I book a meeting room?', 'Use the calendar.'], 3: [], 4: ['a2', 'Where is the printer?', 'Second floor.'] });
    const typed = book.sheet(1);
    assert.deepEqual([typed.rowCount, typed.columnCount], [6, 6]);
    assert.deepEqual(rowsOf(typed), {
      1: ['when', 'count', 'ok', 'rich', 'link', 'sum'],
      2: ['2024-03-01T13:30:00.000Z', '3.5', 'true', 'bold plain', 'Trove', '7'],
      3: ['merged block', 'merged block'],
      4: ['merged block', 'merged block'],
      5: [],
      6: [],
    });
  });

  test('not a workbook: refused with the reason', () => {
    assert.throws(() => openXlsx(Buffer.from('id,question\n1,hello\n')), (e: Error) => e instanceof ExtractionRefused && /not a Excel workbook \(damaged, or not a ZIP container\)/.test(e.message));
    const noBook = Buffer.from(xlsxBytes({ sheets: [] }));
    assert.deepEqual(openXlsx(noBook).sheetNames, []);
  });
});
