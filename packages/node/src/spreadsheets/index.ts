/**
 * Spreadsheets on Node (`@market-pulse/node/spreadsheets`): the xlsx/CSV codec behind core's
 * `SpreadsheetCodec` port, color files as core's `ColorSource`, the upload safety checks and the
 * upload templates. exceljs stays behind this entry point, swappable (DESIGN §1).
 *
 * @module @market-pulse/node/spreadsheets
 */

export { readCsvRows, sniffDelimiter } from './csv-reader.js';
export {
  type FileColorSource,
  type FileColorSourceOptions,
  fileColorSource,
  type ReadColorFileOptions,
  readColorFile,
  spreadsheetColorSource,
} from './file-color-source.js';
export {
  createSpreadsheetCodec,
  spreadsheetCodec,
  XLSX_MAX_DATA_ROWS,
} from './spreadsheet-codec.js';
export { writeCsvFile, writeSpreadsheetFile, writeXlsxFile } from './spreadsheet-files.js';
export { bytesInput, fileInput, type SpreadsheetInput } from './spreadsheet-input.js';
export type { SheetRow, SheetRows } from './spreadsheet-rows.js';
export { templateCsv, templateXlsx, writeTemplateCsv, writeTemplateXlsx } from './template.js';
export {
  checkSpreadsheetFile,
  DEFAULT_SPREADSHEET_LIMITS,
  formatOf,
  type SpreadsheetFormat,
  type SpreadsheetLimits,
} from './upload-safety.js';
export { readXlsxSheets } from './xlsx-reader.js';
