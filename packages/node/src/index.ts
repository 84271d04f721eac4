/**
 * Market Pulse on Node: the embedded filesystem store (the default, no service needed), the system
 * clock, and spreadsheets (xlsx/CSV reading through core's parser, exports, templates) behind our own
 * interface — exceljs stays in this one folder, swappable.
 *
 * @packageDocumentation
 */

export { type EnvironmentVariables, loadConfig, type NodeConfig } from './config.js';
export { failpointsFromEnv } from './env-failpoints.js';
export {
  type ExportsLag,
  type ExportsState,
  exportsLag,
  readExportsState,
} from './exports/exports-state.js';
export {
  DEFAULT_SECTOR_FORMATS,
  type ExportResult,
  type ExportSelection,
  exportSelection,
  OUTPUT_WORKBOOK,
  type RefreshExportsOptions,
  refreshExports,
  type SectorFormat,
} from './exports/write-exports.js';
export { createFileStore, type FileStoreOptions } from './file-store.js';
export {
  createPipeline,
  type Pipeline,
  type PipelineOptions,
  type PipelineRunRequest,
  type PipelineRunResult,
  readSourceFile,
} from './pipeline.js';
export { createProcessProbe, isProcessAlive } from './process-probe.js';
export { readCsvRows, sniffDelimiter } from './spreadsheets/csv-reader.js';
export { type ColumnKinds, columnKinds } from './spreadsheets/export-cells.js';
export {
  type ColorFile,
  type ReadColorFileOptions,
  readColorFile,
} from './spreadsheets/read-color-file.js';
export type { SheetRow, SheetRows } from './spreadsheets/spreadsheet-rows.js';
export { templateCsv, writeTemplateCsv, writeTemplateXlsx } from './spreadsheets/template.js';
export {
  checkSpreadsheetFile,
  DEFAULT_SPREADSHEET_LIMITS,
  formatOf,
  type SpreadsheetFormat,
  type SpreadsheetLimits,
} from './spreadsheets/upload-safety.js';
export {
  type SheetSpec,
  type WriteOptions,
  writeCsvFile,
  writeViewWorkbook,
  writeXlsxFile,
  XLSX_MAX_DATA_ROWS,
} from './spreadsheets/write-files.js';
export { readXlsxSheets } from './spreadsheets/xlsx-reader.js';
export { systemClock } from './system-clock.js';
