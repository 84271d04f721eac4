import { PassThrough } from 'node:stream';
import ExcelJS from 'exceljs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type XlsxCell, xlsxRowRenderer } from './xlsx-row-xml.js';

/**
 * What exceljs' streaming writer (the codec's settings) writes for `addRow(cells).commit()` as row
 * 2 of a sheet, and the date style id its stand-in styles table gives date cells.
 */
function exceljsRow(cells: readonly XlsxCell[]): { xml: string; dateStyleId: number } {
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
    stream: new PassThrough(),
    useStyles: false,
    useSharedStrings: false,
  });
  const sheet = workbook.addWorksheet('Colors');
  let xml = '';
  // The sheet's stream, caught before the workbook opens its zip entry.
  (sheet as unknown as { _stream: unknown })._stream = {
    write: (chunk: unknown) => {
      xml += String(chunk);
    },
    pause: () => undefined,
  };
  sheet.addRow(['header']).commit();
  xml = '';
  sheet.addRow([...cells]).commit();
  const styles = (workbook as unknown as { styles: { dateStyleId: number } }).styles;
  return { xml, dateStyleId: styles.dateStyleId };
}

const text = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 12 }),
  // The characters exceljs escapes or drops, among plain ones.
  fc.string({
    unit: fc.constantFrom('<', '>', '&', '"', "'", '\x00', '\x08', '\x0b', '\x7f', '\r', '\n', 'a'),
    maxLength: 8,
  }),
);
const cell: fc.Arbitrary<XlsxCell> = fc.oneof(
  text,
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.date(),
  fc.constant(null),
);

describe('xlsxRowRenderer', () => {
  it('renders a row as exceljs streaming writer does, byte for byte', () => {
    fc.assert(
      fc.property(fc.array(cell, { minLength: 1, maxLength: 30 }), (cells) => {
        const { xml, dateStyleId } = exceljsRow(cells);
        expect(xlsxRowRenderer(cells.length, dateStyleId)(2, cells)).toBe(xml);
      }),
      { numRuns: 500 },
    );
  });

  it('leaves out a row with no value, as exceljs does', () => {
    const cells = [null, null, null];
    expect(exceljsRow(cells).xml).toBe('');
    expect(xlsxRowRenderer(3, 1)(2, cells)).toBe('');
  });

  it('names columns past Z as Excel does', () => {
    const cells: XlsxCell[] = Array.from({ length: 30 }, () => null);
    cells[27] = 'x';
    expect(xlsxRowRenderer(30, 1)(7, cells)).toContain('<c r="AB7" t="str"><v>x</v></c>');
  });
});
