/**
 * Market Pulse core: the pure domain of structured-credit colors — column configuration, one
 * schema-driven parser, exclusion rules and ranking — plus the ports adapters implement.
 * No I/O, no globals: time, ids and storage come in as arguments.
 *
 * @packageDocumentation
 */
export { MarketPulseError, isMarketPulseError, type ErrorCode } from './errors.js';

export {
  defineColumns,
  columnSchema,
  headerKey,
  CORE_COLUMN_TYPES,
  OUTPUT_ONLY_COLUMNS,
  type ColumnConfig,
  type ColumnDef,
  type ColumnInput,
  type ColumnType,
} from './columns/column-config.js';
export { DEFAULT_COLUMNS, DEFAULT_BIAS_RANKS, defaultColumnConfig, biasKey } from './columns/default-columns.js';

export { parseRecords, createRecordParser, type ParseOptions, type ParseResult, type RecordParser, type RowOutcome } from './parse/parse-records.js';
export type { HeaderProblem } from './parse/header.js';
export type { Cell, ColorRecord, RecordValue, RowError, ParseNotice } from './parse/record.js';
export { parseNumberText } from './parse/number-text.js';
export {
  parseDateText,
  excelSerialToDate,
  dateCellToDate,
  isCalendarDate,
  type CalendarDate,
  type SlashDateFormat,
} from './parse/calendar-date.js';

export { rankColors, rankOrder, compareDigits, type RankPlan, type RankOptions, type RankedRow, type HierarchyColumns } from './rank/rank-colors.js';

export {
  compileRules,
  validateRules,
  compileFilter,
  type CompileOptions,
  type CompiledRules,
  type CompiledFilter,
  type RuleApplication,
  type ExcludedRow,
  type RuleProblem,
} from './rules/compile-rules.js';
export type { WitnessLeaf } from './rules/compile-condition.js';
export { OPERATORS, resolveOperator, type Operator, type OperatorInfo } from './rules/operators.js';
export { resolveRuleDate, isRelativeDate } from './rules/relative-date.js';
export {
  ruleSchema,
  conditionSchema,
  legacyRuleSchema,
  type Rule,
  type RuleInput,
  type Condition,
  type LeafCondition,
  type LegacyRule,
  type LegacyCondition,
} from './rules/rule-schema.js';
export { convertLegacyRule, foldLegacyConditions, type LegacyConversion } from './rules/legacy-rules.js';
export { importRules, ruleFileEntries, type RuleImport, type RuleImportEntry, type ImportOptions } from './rules/import-rules.js';

export { cusipCheckDigit, isValidCusip } from './cusip.js';

export type { ObjectStore, StoredObject, ObjectListing, PutCondition } from './ports/object-store.js';
export { isValidKey } from './ports/object-store.js';
export type { Clock } from './ports/clock.js';
