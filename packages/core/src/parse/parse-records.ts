import type { ColumnConfig, ColumnDef } from '../columns/column-config.js';
import { biasKey, DEFAULT_BIAS_RANKS, defaultColumnConfig } from '../columns/default-columns.js';
import { sectorExportProblem } from '../export/sector-file-name.js';
import type { SlashDateFormat } from './calendar-date.js';
import {
  type CellReader,
  type CellReaderOptions,
  type CellResult,
  cellReaderFor,
  type ImpreciseIdPolicy,
  readExtraCell,
  readFlagCell,
} from './cell-readers.js';
import { type HeaderMap, mapHeader } from './header.js';
import { numberStyleFor } from './number-text.js';
import {
  type Cell,
  type ColorRecord,
  impreciseFlagColumn,
  type ParseNotice,
  type RecordValue,
  type RowError,
  type RowFinding,
} from './record.js';

/** Options of {@link parseRecords} and {@link createRecordParser}. */
export interface ParseOptions {
  /** Column configuration (default: SPEC §1.1). */
  columns?: ColumnConfig;
  /** The workbook's 1904 date setting, for numeric cells in date columns. */
  date1904?: boolean;
  /** Accept slash dates in this order; without it they are row errors. */
  dateFormat?: SlashDateFormat;
  /** BIAS → RANK used when a RANK cell is empty (default: SPEC §1.1). */
  biasRanks?: Readonly<Record<string, number>>;
  /** Row number reported for the first data row (default 2: the sheet row under the header). */
  firstRow?: number;
  /**
   * The field delimiter of a delimited text source (from the source, e.g. a CSV file's sniffed
   * delimiter). In a `;`- or tab-delimited source a comma in a number is ambiguous.
   */
  delimiter?: string;
  /**
   * The decimal separator of numbers written as text in `;`- or tab-delimited sources (default
   * `.`). With `,`, `98,125` is 98.125. Workbooks and `,`-delimited files always use `.`. In either
   * case the other character is accepted only as a thousands separator before a decimal separator
   * (`1,234.5` / `1.234,5`); alone (`98,125` / `98.125`) it is ambiguous and a row error.
   */
  decimalSeparator?: '.' | ',';
  /**
   * A number cell past 2^53−1 in an id column (MESSAGE_ID) lost its last digits upstream (SPEC
   * §1.1). `keep` (default): the row is kept with the integer the cell holds, marked
   * `MESSAGE_ID_IMPRECISE: true`, with a finding and one notice per input; `reject`: a row error.
   */
  impreciseIds?: ImpreciseIdPolicy;
}

/**
 * Outcome of one row: a record (with its data-quality findings, if any), its errors, or `blank`
 * for a row with no value at all.
 */
export type RowOutcome =
  | { kind: 'record'; record: ColorRecord; findings?: RowFinding[] }
  | { kind: 'errors'; errors: RowError[] }
  | { kind: 'blank' };

/** Parses rows one at a time against a header read once — for streaming large inputs. */
export interface RecordParser {
  /**
   * What the user should know about the input: the header's notices from the start, and — once
   * the rows are read — one about imprecise ids, if any row had one.
   */
  readonly notices: readonly ParseNotice[];
  /** Parses one row; `row` is the number reported in errors. */
  parseRow(cells: readonly Cell[], row: number): RowOutcome;
}

interface Slot {
  index: number;
  column: ColumnDef;
  read: CellReader;
  /** The column marking an imprecise value of this (id) column. */
  flag: string;
}

/** Rows kept with imprecise ids, for the one notice per input. */
interface ImpreciseRows {
  count: number;
  /** The first few row numbers, for the notice. */
  rows: number[];
  columns: Set<string>;
}

function impreciseNotice(imprecise: ImpreciseRows): ParseNotice {
  const columns = [...imprecise.columns];
  const rows = `${imprecise.rows.join(', ')}${imprecise.count > imprecise.rows.length ? ', …' : ''}`;
  return {
    kind: 'imprecise-ids',
    columns,
    message: `IMPORTANT: ${imprecise.count} row(s) (row ${rows}) have ${columns.join(', ')} as a number beyond 2^53−1, so its last digits were lost before Market Pulse read the file. They were kept with the integer each cell holds and marked ${columns.map(impreciseFlagColumn).join(', ')}. Format the ${columns.join(', ')} column as text in the system that exports this file (MP_IMPRECISE_ID=reject refuses such rows instead).`,
  };
}

const impreciseMessage = (column: string, cell: Cell) =>
  `${column} was the number ${String(cell)}, beyond 2^53−1: its last digits were lost upstream; kept as the integer the cell holds and marked ${impreciseFlagColumn(column)}`;

/**
 * Reads the header and returns a parser for the rows under it (SPEC §1.2). Throws a
 * VALIDATION_ERROR with `HeaderProblem` details when the header cannot be read.
 *
 * @example
 * ```ts
 * const parser = createRecordParser(headerCells);
 * for await (const [n, cells] of rows) {
 *   const out = parser.parseRow(cells, n);
 *   if (out.kind === 'record') sink.push(out.record);
 * }
 * ```
 */
export function createRecordParser(
  header: readonly Cell[],
  options: ParseOptions = {},
): RecordParser {
  const config = options.columns ?? defaultColumnConfig;
  const map: HeaderMap = mapHeader(header, config);
  const readerOptions = {
    date1904: options.date1904 ?? false,
    dateFormat: options.dateFormat,
    numberStyle: numberStyleFor(options.delimiter, options.decimalSeparator),
    impreciseIds: options.impreciseIds ?? 'keep',
  };
  const biasRanks = options.biasRanks ?? DEFAULT_BIAS_RANKS;
  const slotByColumn = new Map<string, Slot>();
  const extras: { index: number; name: string }[] = [];
  const flags: { index: number; name: string }[] = [];
  for (const slot of map.slots) {
    if (slot.kind === 'column')
      slotByColumn.set(slot.column.name, {
        ...slot,
        read: interning(slot.column, readerOf(slot.column, readerOptions)),
        flag: impreciseFlagColumn(slot.column.name),
      });
    else if (slot.kind === 'flag') flags.push(slot);
    else extras.push(slot);
  }
  const imprecise: ImpreciseRows = { count: 0, rows: [], columns: new Set() };
  // Configured columns in configuration order, so every record has the same shape.
  const plan = config.columns.map((column) => slotByColumn.get(column.name) ?? column);
  const rankColumn = config.byName('RANK');
  // Every record starts as a copy of this one: all configured columns in order, allocated in one go
  // (adding a dozen properties one by one grows and copies the record's property storage).
  const shape: Record<string, RecordValue> = {};
  for (const column of config.columns) shape[column.name] = null;

  // Reused for every row: most rows have no error, so no array is allocated for them.
  const errors: RowError[] = [];

  function parseRow(cells: readonly Cell[], row: number): RowOutcome {
    if (isBlank(cells)) return { kind: 'blank' };
    const record: Record<string, RecordValue> = { ...shape };
    errors.length = 0;
    let findings: RowFinding[] | undefined;
    for (const entry of plan) {
      if (!('read' in entry)) continue; // null in the shape
      const cell = cells[entry.index];
      const result = entry.read(cell);
      if (!result.ok) {
        errors.push({
          row,
          column: entry.column.name,
          value: cell ?? null,
          reason: result.reason,
        });
        continue;
      }
      const value = result.value;
      if (value === null && !entry.column.allowEmpty && entry.column !== rankColumn) {
        errors.push({
          row,
          column: entry.column.name,
          value: cell ?? null,
          reason: `${entry.column.name} is required`,
        });
        continue;
      }
      record[entry.column.name] = value;
      if (result.imprecise) {
        record[entry.flag] = true;
        findings ??= [];
        findings.push({
          row,
          column: entry.column.name,
          value: cell ?? null,
          kind: 'imprecise-id',
          message: impreciseMessage(entry.column.name, cell),
        });
      }
    }
    if (rankColumn && record.RANK === null) {
      const bias = record.BIAS;
      const derived = typeof bias === 'string' ? biasRanks[biasKey(bias)] : undefined;
      if (derived === undefined) {
        const slot = slotByColumn.get('RANK');
        errors.push({
          row,
          column: 'RANK',
          value: slot ? (cells[slot.index] ?? null) : null,
          reason:
            typeof bias === 'string'
              ? `RANK is empty and BIAS "${bias}" has no known rank; fill in RANK (1–6)`
              : 'RANK is empty and there is no BIAS to derive it from',
        });
      } else record.RANK = derived;
    }
    for (const extra of extras) {
      const cell = cells[extra.index];
      const result = readExtraCell(cell);
      if (result.ok) record[extra.name] = result.value;
      else errors.push({ row, column: extra.name, value: cell ?? null, reason: result.reason });
    }
    for (const flag of flags) {
      const cell = cells[flag.index];
      const result = readFlagCell(cell);
      if (!result.ok)
        errors.push({ row, column: flag.name, value: cell ?? null, reason: result.reason });
      else if (result.value) record[flag.name] = true; // marked imprecise where it came from
    }
    if (errors.length > 0) return { kind: 'errors', errors: errors.slice() };
    if (findings === undefined) return { kind: 'record', record: record as ColorRecord };
    imprecise.count++;
    if (imprecise.rows.length < 5) imprecise.rows.push(row);
    for (const finding of findings) imprecise.columns.add(finding.column);
    return { kind: 'record', record: record as ColorRecord, findings };
  }

  return {
    get notices() {
      return imprecise.count === 0 ? map.notices : [...map.notices, impreciseNotice(imprecise)];
    },
    parseRow,
  };
}

/**
 * A configured column's reader. A sector also names export files and folders: one too long to
 * name them is refused with its row, so it can never make the standing exports unwritable.
 */
function readerOf(column: ColumnDef, options: CellReaderOptions): CellReader {
  const read = cellReaderFor(column, options);
  if (column.name !== 'SECTOR') return read;
  return (cell) => {
    const result = read(cell);
    if (!result.ok || typeof result.value !== 'string') return result;
    const problem = sectorExportProblem(result.value);
    return problem === undefined ? result : { ok: false, reason: `the sector ${problem}` };
  };
}

/** Distinct values interned per column; past it, new values are kept as read. */
const INTERN_LIMIT = 1 << 18;

/**
 * Text and id columns repeat a few values over and over (sectors, sources, CUSIPs of a group,
 * MESSAGE_IDs of a message): one string per distinct value keeps a million records small, and
 * every later hash lookup (grouping, rules) reuses the string's cached hash. A cell text seen
 * before reads to the same result again, without trimming, checks or allocation.
 */
function interning(column: ColumnDef, read: CellReader): CellReader {
  if (column.type !== 'text' && column.type !== 'id' && column.type !== 'date') return read;
  const byValue = new Map<string, CellResult>(); // one (never mutated) result per distinct value
  const byCell = new Map<string, CellResult>();
  return (cell) => {
    if (typeof cell === 'string') {
      const known = byCell.get(cell);
      if (known !== undefined) return known;
    }
    const result = read(cell);
    // An imprecise id is never shared: the same digits written as text are exact.
    if (!result.ok || typeof result.value !== 'string' || result.imprecise) return result;
    const value = result.value;
    let interned = byValue.get(value);
    if (interned === undefined) {
      interned = result;
      if (byValue.size < INTERN_LIMIT) byValue.set(value, interned);
    }
    if (typeof cell === 'string' && byCell.size < INTERN_LIMIT) byCell.set(cell, interned);
    return interned;
  };
}

function isBlank(cells: readonly Cell[]): boolean {
  for (const cell of cells) {
    if (cell === null || cell === undefined) continue;
    if (typeof cell === 'string' && cell.trim() === '') continue;
    return false;
  }
  return true;
}

/** The outcome of {@link parseRecords}: a row gives either a record or its errors (blank rows neither). */
export interface ParseResult {
  /** The rows that parsed, in input order. */
  records: ColorRecord[];
  /** Every problem of every row that did not parse (a row may have several). */
  errors: RowError[];
  /** Data-quality findings on rows that parsed (e.g. imprecise ids), in input order. */
  findings: RowFinding[];
  /** Things about the header worth telling the user (ignored or pass-through columns). */
  notices: ParseNotice[];
}

/**
 * Parses a whole table in one call (SPEC §1.2). Rows are arrays of cells in header order.
 *
 * @example
 * ```ts
 * const { records, errors } = parseRecords({
 *   header: ['MESSAGE_ID', 'TICKER', 'SECTOR', 'CUSIP', 'DATE', 'PRICE_LEVEL', 'PX', 'SOURCE', 'BIAS', 'RANK'],
 *   rows: [['17734228894978519', 'WDMNT 2022-9A ER', 'MM-CLO', ' 12345abc7', '2026-03-13', '', '98.5', 'JPM', 'BID', '']],
 * });
 * records[0].CUSIP; // '12345ABC7'
 * records[0].RANK;  // 3, derived from BIAS
 * ```
 */
export function parseRecords(
  input: { header: readonly Cell[]; rows: Iterable<readonly Cell[]> },
  options: ParseOptions = {},
): ParseResult {
  const parser = createRecordParser(input.header, options);
  const records: ColorRecord[] = [];
  const errors: RowError[] = [];
  const findings: RowFinding[] = [];
  let row = options.firstRow ?? 2;
  for (const cells of input.rows) {
    const outcome = parser.parseRow(cells, row++);
    if (outcome.kind === 'record') {
      records.push(outcome.record);
      if (outcome.findings) findings.push(...outcome.findings);
    } else if (outcome.kind === 'errors') errors.push(...outcome.errors);
  }
  return { records, errors, findings, notices: [...parser.notices] };
}
