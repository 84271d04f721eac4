import { createRequire } from 'node:module';

// exceljs' own text escaping and column letters, so that rendered rows are the bytes its
// streaming writer would write.
const require = createRequire(import.meta.url);
const { xmlEncode } = require('exceljs/lib/utils/utils.js') as { xmlEncode(text: string): string };
const columnLetters = require('exceljs/lib/utils/col-cache.js') as { n2l(column: number): string };

/** A cell value as the codec hands it to the writer (core's `xlsxValue`). */
export type XlsxCell = string | number | boolean | Date | null;

/** Milliseconds in a day; Excel's serial day 25569 is 1970-01-01 (exceljs' `dateToExcel`). */
const DAY_MS = 24 * 3600 * 1000;

/**
 * A renderer of `<row>` elements for a sheet of `columnCount` columns, byte for byte what exceljs'
 * streaming writer (no shared strings, no styles table) writes for `addRow(cells).commit()`: text
 * as `t="str"` cells, numbers, booleans as `t="b"`, dates as serials in style `dateStyleId`, null
 * cells left out, and a row with no value left out entirely (''). exceljs builds row and cell
 * objects, a model and an XML stream per row (~55 µs for 27 columns); one template per cell costs a
 * fraction of that, and the export workbook is the longest step of a run.
 */
export function xlsxRowRenderer(
  columnCount: number,
  dateStyleId: number,
): (rowNumber: number, cells: readonly XlsxCell[]) => string {
  const letters = Array.from({ length: columnCount }, (_, i) => columnLetters.n2l(i + 1));
  const spans = ` spans="1:${columnCount}"`;
  return (rowNumber, cells) => {
    let xml = '';
    let hasValues = false;
    for (let i = 0; i < columnCount; i++) {
      const value = cells[i] ?? null;
      if (value === null) continue;
      hasValues = true;
      const ref = `${letters[i]}${rowNumber}`;
      if (typeof value === 'string') xml += `<c r="${ref}" t="str"><v>${xmlEncode(value)}</v></c>`;
      else if (typeof value === 'number') xml += `<c r="${ref}"><v>${value}</v></c>`;
      else if (typeof value === 'boolean')
        xml += `<c r="${ref}" t="b"><v>${value ? '1' : '0'}</v></c>`;
      else xml += `<c r="${ref}" s="${dateStyleId}"><v>${25569 + value.getTime() / DAY_MS}</v></c>`;
    }
    return hasValues ? `<row r="${rowNumber}"${spans} x14ac:dyDescent="0.25">${xml}</row>` : '';
  };
}
