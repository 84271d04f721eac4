/**
 * Market Pulse core: the pure domain of structured-credit colors — column configuration, one
 * schema-driven parser, exclusion rules and ranking — plus the ports adapters implement.
 * No I/O, no globals: time, ids and storage come in as arguments.
 *
 * @module @market-pulse/core
 */
export * from './accounts/index.js';
export {
  type ChangeContext,
  SCHEDULER_ACTOR,
  type VersionedChange,
} from './changes/change-context.js';
export {
  type ColumnChange,
  type ColumnDocument,
  type ColumnStoreDependencies,
  readColumnConfig,
  readColumnDocument,
  resetColumnConfig,
  rulesBrokenBy,
  saveColumnConfig,
} from './column-store/column-store.js';
export {
  CORE_COLUMN_TYPES,
  type ColumnConfig,
  type ColumnDef,
  type ColumnInput,
  type ColumnType,
  columnSchema,
  defineColumns,
  headerKey,
  OUTPUT_ONLY_COLUMNS,
} from './columns/column-config.js';
export {
  biasKey,
  DEFAULT_BIAS_RANKS,
  DEFAULT_COLUMNS,
  defaultColumnConfig,
} from './columns/default-columns.js';
export { cusipCheckDigit, cusipOfIsin, isinOfCusip, isValidCusip } from './cusip.js';
export {
  COLOR_FILTER_COLUMNS,
  type ColorFilterColumn,
  type ColorPage,
  type ColorQuery,
  queryColors,
} from './dashboard/color-query.js';
export {
  type ColorView,
  type DashboardStats,
  readDashboardColors,
  readDashboardStats,
  readDataVersion,
} from './dashboard/dashboard.js';
export {
  createDashboardReader,
  type DashboardIndexFigures,
  type DashboardReader,
  type DashboardReaderOptions,
} from './dashboard/dashboard-reader.js';
export { queryScopedColors } from './dashboard/scoped-colors.js';
export {
  type DryRunRequest,
  type DryRunResult,
  type DryRunSettings,
  dryRun,
  processDryRun,
} from './dry-run/dry-run.js';
export {
  dryRunStoredRun,
  type StoredRunDryRunRequest,
  type StoredRunDryRunResult,
} from './dry-run/dry-run-stored.js';
export { type RuleTestResult, testRules } from './dry-run/test-rules.js';
export { type ErrorCode, isMarketPulseError, MarketPulseError } from './errors.js';
export { columnKinds, csvValue, xlsxValue } from './export/cell-values.js';
export { exportColumns, exportColumnsOf, neutralizeFormula } from './export/export-columns.js';
export {
  MAX_SECTOR_FILE_NAME,
  sectorExportProblem,
  sectorFileName,
} from './export/sector-file-name.js';
export {
  cellTextProblem,
  columnCountProblem,
  SPREADSHEET_LIMITS,
} from './export/spreadsheet-limits.js';
export { witnessText } from './export/witness-text.js';
export {
  type ExportLane,
  type ExportLaneJob,
  laneShare,
  type OpenExportLane,
} from './exports/export-lane.js';
export {
  type ExportSelection,
  exportSelection,
  type ResidentRows,
  type SelectionExport,
  selectedRuns,
  selectionRows,
} from './exports/export-selection.js';
export {
  type ExportsLeaseDependencies,
  type ExportsLeaseOptions,
  withExportsLease,
} from './exports/exports-lease.js';
export {
  EXPORTS_STATE_FILE,
  type ExportsLag,
  type ExportsState,
  exportsLag,
  readExportsState,
} from './exports/exports-state.js';
export { type FanOutBranch, type FanOutRoute, fanOut } from './exports/fan-out.js';
export {
  type ExportDependencies,
  type ExportResult,
  type FailedExport,
  type RefreshExportsOptions,
  refreshExports,
} from './exports/refresh-exports.js';
export {
  ERROR_COLUMNS,
  EXCLUDED_COLUMNS,
  encodeRows,
  type RowsFormat,
  type RowsKind,
  rowsColumns,
  rowsFormatOf,
} from './exports/rows-file.js';
export { exportRunRowSet } from './exports/run-rows-export.js';
export {
  DEFAULT_SECTOR_FORMATS,
  OUTPUT_WORKBOOK,
  type PlannedFile,
  rowsOfFile,
  SECTOR_FOLDER,
  type SectorFormat,
  type StandingFile,
  type StandingSetScan,
  scanStandingSet,
  sectorFile,
  staleExports,
  streamedViewSheets,
  viewSheets,
} from './exports/standing-set.js';
export { RowsDigest } from './exports/view-digest.js';
export {
  type StandingFilesDependencies,
  writeStandingFiles,
} from './exports/write-standing-files.js';
export {
  IDEMPOTENCY_KEY_RETENTION_MS,
  type IdempotentAnswer,
  pruneIdempotencyKeys,
  withIdempotencyKey,
} from './idempotency/idempotency-keys.js';
export { initializeStore } from './init/initialize-store.js';
export { type StoreUpkeepReport, storeUpkeep } from './maintenance/store-upkeep.js';
export {
  type CalendarDate,
  dateCellToDate,
  excelSerialToDate,
  isCalendarDate,
  parseDateText,
  type SlashDateFormat,
} from './parse/calendar-date.js';
export type { ImpreciseIdPolicy } from './parse/cell-readers.js';
export type { HeaderProblem } from './parse/header.js';
export { type NumberStyle, parseNumberText } from './parse/number-text.js';
export {
  createRecordParser,
  type ParseOptions,
  type ParseResult,
  parseRecords,
  type RecordParser,
  type RowOutcome,
} from './parse/parse-records.js';
export {
  type Cell,
  type ColorRecord,
  type ErrorCell,
  impreciseFlagColumn,
  isErrorCell,
  type ParseNotice,
  type RecordValue,
  type RowError,
  type RowFinding,
} from './parse/record.js';
export {
  createPipeline,
  type Pipeline,
  type PipelineDependencies,
  type PipelineRunRequest,
  type PipelineRunResult,
  type PipelineSettings,
} from './pipeline/pipeline.js';
export type { Clock } from './ports/clock.js';
export { monotonicMs } from './ports/clock.js';
export type {
  ColorSource,
  SourceParseOptions,
  SourceRow,
  SourceTable,
} from './ports/color-source.js';
export type { ExportSink } from './ports/export-sink.js';
export { type Failpoints, NO_FAILPOINTS } from './ports/failpoints.js';
export type { IdSource } from './ports/id-source.js';
export type { Mailer, MailMessage } from './ports/mailer.js';
export type {
  ObjectListing,
  ObjectStore,
  PutCondition,
  StoredObject,
} from './ports/object-store.js';
export { isValidKey } from './ports/object-store.js';
export type { PasswordHasher } from './ports/password-hasher.js';
export type { ProcessProbe } from './ports/process-probe.js';
export type { RandomSource } from './ports/random-source.js';
export type {
  ColumnKinds,
  SheetLayout,
  SheetRowValues,
  SheetSpec,
  SpreadsheetCodec,
  SpreadsheetFormat,
} from './ports/spreadsheet-codec.js';
export { pause, type Timers } from './ports/timers.js';
export {
  type InputRowError,
  type ProcessedColors,
  type ProcessOptions,
  processColors,
  type RunInput,
} from './processing/process-colors.js';
export {
  compareDigits,
  type HierarchyColumns,
  type RankedRow,
  type RankOptions,
  type RankPlan,
  rankColors,
  rankOrder,
} from './rank/rank-colors.js';
export {
  type CompiledFilter,
  type CompiledRules,
  type CompileOptions,
  compileFilter,
  compileRules,
  type ExcludedRow,
  type RuleApplication,
  type RuleProblem,
  validateRules,
} from './rules/compile-rules.js';
export {
  type ImportOptions,
  importRules,
  type RuleImport,
  type RuleImportEntry,
  ruleFileEntries,
  rulesOfFile,
} from './rules/import-rules.js';
export {
  convertLegacyRule,
  foldLegacyConditions,
  type LegacyConversion,
} from './rules/legacy-rules.js';
export { OPERATORS, type Operator, type OperatorInfo, resolveOperator } from './rules/operators.js';
export { isRelativeDate, resolveRuleDate } from './rules/relative-date.js';
export { RULE_LIMITS } from './rules/rule-limits.js';
export {
  type Condition,
  conditionSchema,
  type LeafCondition,
  type LegacyCondition,
  type LegacyRule,
  legacyRuleSchema,
  type Rule,
  type RuleInput,
  ruleSchema,
} from './rules/rule-schema.js';
export {
  createRule,
  deleteRule,
  getRule,
  importRuleFile,
  listRules,
  type RuleFields,
  type RuleStoreDependencies,
  setRuleActive,
  updateRule,
} from './rules/rule-store.js';
export { conditionAt, describeWitnessLeaf, type WitnessLeaf } from './rules/witness.js';
export {
  type RunDependencies,
  type RunRequest,
  runAutomation,
} from './run/run-automation.js';
export { checkGuards, type RunGuards } from './run/run-guards.js';
export {
  isRunHidden,
  readRunRecord,
  readRunRows,
  type StoredRow,
} from './run/run-protocol.js';
export { listRuns, type RunListing } from './run/run-queries.js';
export { type RunRecord, type RunTrigger, runRecordSchema } from './run/run-record.js';
export { RUN_STEPS, type RunStep } from './run/run-steps.js';
export {
  type RunDetailRow,
  type RunRowFilter,
  type RunRowSet,
  readRunRowSet,
  ruleNamesOf,
  scopeDetailRow,
} from './run-details/run-details.js';
export * from './schedule/index.js';
export {
  type CellTest,
  collectMatches,
  rowMatches,
  SEARCH_KEY_COLUMNS,
  SEARCH_KINDS,
  type SearchKind,
  type SearchMatcher,
  type SearchOptions,
  type SearchResult,
  searchColumns,
  searchMatcher,
} from './search/search-match.js';
export { searchCurrentView, searchRows } from './search/search-view.js';
export { type ColorFile, type ReadColorsOptions, readColors } from './sources/read-colors.js';
export {
  readSystemStatus,
  type StatusDependencies,
  type SystemStatus,
} from './status/system-status.js';
export { type ObjectDigest, objectDigestSchema, sha256Hex } from './store/checksum.js';
export {
  type DamageDetails,
  damagedKey,
  damagedObject,
  damageOf,
} from './store/damaged-object.js';
// Lease types the services' own types name (a scheduler's held lease, a pipeline holder): named
// here too, so a caller of the services needs no import from the store kit.
export type { HeldLease, LeaseHolder, Leases } from './store/lease.js';
export {
  type Compress,
  type Decompress,
  pureCompress,
  pureDecompress,
  ROW_FORMAT,
  type RowFormat,
} from './store/row-partition.js';
export {
  MIGRATE_STEPS,
  type MigrateDependencies,
  type MigrateStep,
  type MigrationReport,
  migrateStore,
} from './store-format/migrate-store.js';
export { readStoreFormat, STORE_FORMAT_VERSION } from './store-format/store-format.js';
export {
  addUpload,
  type CancelledUpload,
  cancelUpload,
  clearUploads,
  getUpload,
  isUploadView,
  listUploads,
  type NewUpload,
  pendingUploadInputs,
  type UnreadableUpload,
  UPLOAD_STEPS,
  type UploadDependencies,
  type UploadListing,
  type UploadMeta,
  type UploadStatus,
  type UploadStep,
  type UploadView,
  uploadOriginal,
} from './uploads/upload-buffer.js';
export { scopeUpload, type UploadReader } from './uploads/upload-scope.js';
export {
  type CurrentView,
  type CurrentViewHealth,
  type CurrentViewManifest,
  checkCurrentView,
  readCurrentView,
  readManifest,
  setRunHidden,
  streamCurrentView,
} from './views/current-view.js';
export { VIEW_STEPS, type ViewStep } from './views/view-store.js';
