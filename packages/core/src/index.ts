/**
 * Market Pulse core: the pure domain of structured-credit colors — column configuration, one
 * schema-driven parser, exclusion rules and ranking — plus the ports adapters implement.
 * No I/O, no globals: time, ids and storage come in as arguments.
 *
 * @packageDocumentation
 */

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
export { cusipCheckDigit, isValidCusip } from './cusip.js';
export { type ErrorCode, isMarketPulseError, MarketPulseError } from './errors.js';
export { exportColumns, exportColumnsOf, neutralizeFormula } from './export/export-columns.js';
export {
  type CalendarDate,
  dateCellToDate,
  excelSerialToDate,
  isCalendarDate,
  parseDateText,
  type SlashDateFormat,
} from './parse/calendar-date.js';
export type { HeaderProblem } from './parse/header.js';
export { parseNumberText } from './parse/number-text.js';
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
  isErrorCell,
  type ParseNotice,
  type RecordValue,
  type RowError,
} from './parse/record.js';
export type { Clock } from './ports/clock.js';
export { monotonicMs } from './ports/clock.js';
export { type Failpoints, NO_FAILPOINTS } from './ports/failpoints.js';
export type { IdSource } from './ports/id-source.js';
export type {
  ObjectListing,
  ObjectStore,
  PutCondition,
  StoredObject,
} from './ports/object-store.js';
export { isValidKey } from './ports/object-store.js';
export type { ProcessProbe } from './ports/process-probe.js';
export {
  compareDigits,
  type HierarchyColumns,
  type RankedRow,
  type RankOptions,
  type RankPlan,
  rankColors,
  rankOrder,
} from './rank/rank-colors.js';
export type { WitnessLeaf } from './rules/compile-condition.js';
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
} from './rules/import-rules.js';
export {
  convertLegacyRule,
  foldLegacyConditions,
  type LegacyConversion,
} from './rules/legacy-rules.js';
export { OPERATORS, type Operator, type OperatorInfo, resolveOperator } from './rules/operators.js';
export { isRelativeDate, resolveRuleDate } from './rules/relative-date.js';
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
export { recoverAbandoned } from './run/abandoned-run.js';
export {
  PIPELINE_LEASE,
  RULES_DOCUMENT,
  RUN_ID_COUNTER,
  RUN_STEPS,
  type RunStep,
  runKeys,
} from './run/layout.js';
export {
  declareFailed,
  type RunDependencies,
  type RunInput,
  type RunRequest,
  readRunRecord,
  runAutomation,
} from './run/run-automation.js';
export { checkGuards, type RunGuards } from './run/run-guards.js';
export { listRuns, type RunListing } from './run/run-queries.js';
export { type RunRecord, type RunTrigger, runRecordSchema } from './run/run-record.js';
export * from './schedule/index.js';
export { allocateNumber } from './store/counter.js';
export {
  createDocument,
  readDocument,
  type StoredDocument,
  type UpdateOutcome,
  updateDocument,
} from './store/json-document.js';
export {
  createLeases,
  type HeldLease,
  holderProcess,
  type LeaseAttempt,
  type LeaseHolder,
  type LeaseOptions,
  type LeaseRecord,
} from './store/lease.js';
export {
  addUpload,
  cancelUpload,
  clearUploads,
  getUpload,
  listUploads,
  type NewUpload,
  pendingUploadInputs,
  type UploadDependencies,
  type UploadMeta,
  type UploadStatus,
  type UploadView,
  uploadOriginal,
} from './uploads/upload-buffer.js';
export {
  type CurrentViewManifest,
  isRunHidden,
  readCurrentView,
  readManifest,
  readRunRows,
  rebuildCurrentView,
  refreshCurrentView,
  type StoredRow,
  setRunHidden,
} from './views/current-view.js';
