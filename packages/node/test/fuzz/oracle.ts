// An independent reading of an upload, for the fuzz test: its own CSV tokenizer and its own model
// of SPEC §1.1–1.2 (columns, numbers, dates, identifiers, text), written from the spec and not
// from core's code. The fuzz compares core's reading of each generated file with this one.

/**
 * A cell as the oracle sees it: CSV cells are text; workbook cells are what the generator wrote,
 * `{ unreadable: true }` for a cell that names a shared string the workbook does not have.
 */
export type OracleCell = ReadableCell | { unreadable: true };
/** A cell whose value could be read. */
type ReadableCell = string | number | boolean | null;

const isUnreadable = (cell: OracleCell | undefined): cell is { unreadable: true } =>
  typeof cell === 'object' && cell !== null;

type Kind = 'id' | 'cusip' | 'text' | 'date' | 'number' | 'integer';

interface OracleColumn {
  name: string;
  display: string;
  aliases: string[];
  kind: Kind;
  headerRequired: boolean;
  required: boolean;
  min?: number;
  max?: number;
}

const col = (
  name: string,
  display: string,
  kind: Kind,
  headerRequired: boolean,
  required: boolean,
  extra: Partial<OracleColumn> = {},
): OracleColumn => ({ name, display, aliases: [], kind, headerRequired, required, ...extra });

/** SPEC §1.1's default columns. */
export const ORACLE_COLUMNS: readonly OracleColumn[] = [
  col('MESSAGE_ID', 'Message ID', 'id', true, true, { aliases: ['MSG_ID', 'MESSAGEID'] }),
  col('TICKER', 'Ticker', 'text', true, false),
  col('SECTOR', 'Sector', 'text', true, true),
  col('CUSIP', 'CUSIP', 'cusip', true, true),
  col('DATE', 'Date', 'date', true, true),
  col('PRICE_LEVEL', 'Price Level', 'number', true, false),
  col('BID', 'Bid', 'number', false, false),
  col('ASK', 'Ask', 'number', false, false),
  col('PX', 'Price', 'number', true, false, { aliases: ['PRICE'] }),
  col('SOURCE', 'Source', 'text', true, true),
  col('BIAS', 'Bias', 'text', true, true),
  col('RANK', 'Rank', 'integer', true, false, { min: 1, max: 6 }),
  col('COV_PRICE', 'Coverage Price', 'number', false, false),
  col('PERCENT_DIFF', 'Percent Diff', 'number', false, false, { aliases: ['% DIFF'] }),
  col('PRICE_DIFF', 'Price Diff', 'number', false, false),
  col('CONFIDENCE', 'Confidence', 'integer', false, false, { min: 0, max: 10 }),
  col('DATE_1', 'Quote Date', 'date', false, false, { aliases: ['DATE 1'] }),
  col('DIFF_STATUS', 'Diff Status', 'text', false, false),
];

export const OUTPUT_COLUMNS = [
  'RUN_ID',
  'PROCESSED_AT',
  'PROCESSING_TYPE',
  'IS_PARENT',
  'PARENT_MESSAGE_ID',
  'CHILDREN_COUNT',
  'ROW_ID',
  'PARENT_ROW_ID',
  'ORIGIN',
];

const BIAS_RANKS: Record<string, number> = {
  'TRADE CONFIRM': 1,
  'BWIC COVER': 2,
  BID: 3,
  MARKET: 3,
  BUYER: 3,
  COLOR: 3,
  DNT: 3,
  'DNT BEST': 3,
  'BWIC REO': 3,
  OFFER: 4,
  'BWIC TALK': 5,
  VALUATION: 6,
};

/** Header matching: case and whitespace do not count. */
export const matchKey = (text: string) => text.replace(/\s+/gu, '').toUpperCase();

export type NumberStyle = 'standard' | 'decimal-point' | 'decimal-comma';

/** How the oracle reads one file. */
export interface OracleContext {
  style: NumberStyle;
  impreciseIds: 'keep' | 'reject';
}

type Read =
  | { ok: true; value: string | number | boolean | null; imprecise?: boolean }
  | { ok: false };
const OK = (value: string | number | boolean | null, imprecise = false): Read => ({
  ok: true,
  value,
  ...(imprecise ? { imprecise } : {}),
});
const ERR: Read = { ok: false };

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

/**
 * A number written as text (SPEC §1.2): optional sign; digits, the grouping character only
 * between groups of three (and, in ;/tab files, only when a decimal separator follows); one
 * decimal separator; optional exponent. A scanner, not a regular expression.
 */
export function oracleNumber(raw: string, style: NumberStyle): number | null | 'error' {
  const text = raw.trim();
  if (text === '') return null;
  const decimal = style === 'decimal-comma' ? ',' : '.';
  const group = style === 'decimal-comma' ? '.' : ',';
  let i = 0;
  let sign = '';
  if (text[i] === '+' || text[i] === '-') sign = text[i++] as string;
  const intStart = i;
  while (isDigit(text[i]) || text[i] === group) i++;
  const intPart = text.slice(intStart, i);
  let frac: string | undefined;
  if (text[i] === decimal) {
    i++;
    const start = i;
    while (isDigit(text[i])) i++;
    frac = text.slice(start, i);
  }
  let exp = '';
  if (text[i] === 'e' || text[i] === 'E') {
    i++;
    const start = i;
    if (text[i] === '+' || text[i] === '-') i++;
    const digitsStart = i;
    while (isDigit(text[i])) i++;
    if (i === digitsStart) return 'error';
    exp = `e${text.slice(start, i)}`;
  }
  if (i !== text.length) return 'error';
  if (intPart === '' && (frac === undefined || frac === '')) return 'error';
  const groups = intPart.split(group);
  if (groups.length > 1) {
    if (!/^\d{1,3}$/.test(groups[0] as string)) return 'error';
    if (groups.slice(1).some((g) => !/^\d{3}$/.test(g))) return 'error';
    if (style !== 'standard' && frac === undefined) return 'error'; // a lone grouping char: ambiguous
  }
  const value = Number(`${sign}${groups.join('') || '0'}.${frac ?? ''}0${exp}`);
  return Number.isFinite(value) ? value : 'error';
}

const daysIn = (y: number, m: number) =>
  m === 2
    ? y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
      ? 29
      : 28
    : [4, 6, 9, 11].includes(m)
      ? 30
      : 31;
const pad = (n: number, w: number) => String(n).padStart(w, '0');

function oracleDate(cell: ReadableCell): Read {
  if (cell === null) return OK(null);
  if (typeof cell === 'boolean') return ERR;
  if (typeof cell === 'number') {
    // Excel's 1900 system: serial 1 = 1900-01-01, 60 = the 1900-02-29 that never was.
    if (!Number.isFinite(cell) || cell < 1) return ERR;
    const days = Math.floor(cell);
    if (days === 60) return ERR;
    const date = new Date(Date.UTC(1899, 11, days < 60 ? 31 : 30) + days * 86_400_000);
    const y = date.getUTCFullYear();
    if (y < 1900 || y > 2100) return ERR;
    return OK(`${pad(y, 4)}-${pad(date.getUTCMonth() + 1, 2)}-${pad(date.getUTCDate(), 2)}`);
  }
  const text = cell.trim();
  if (text === '') return OK(null);
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ].*)?$/.exec(text);
  if (!m) return ERR;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (mo < 1 || mo > 12 || d < 1 || d > daysIn(y, mo)) return ERR;
  return OK(`${m[1]}-${m[2]}-${m[3]}`);
}

function oracleString(text: string): Read {
  const t = text.trim();
  if (t === '') return OK(null);
  if (t.includes('\u0000')) return ERR;
  return OK(t.normalize('NFC'));
}

function oracleIdentifier(cell: ReadableCell, column: OracleColumn, ctx: OracleContext): Read {
  let read: Read;
  if (cell === null) return OK(null);
  if (typeof cell === 'boolean') {
    if (column.kind === 'id') return ERR;
    read = OK(cell ? 'TRUE' : 'FALSE');
  } else if (typeof cell === 'number') {
    if (column.kind === 'cusip') read = OK(String(cell));
    else if (Number.isInteger(cell) && cell >= 0 && cell <= Number.MAX_SAFE_INTEGER)
      read = OK(String(cell));
    else if (Number.isInteger(cell) && cell > 0 && ctx.impreciseIds === 'keep')
      read = OK(BigInt(cell).toString(), true);
    else return ERR;
  } else read = oracleString(cell);
  if (!read.ok || typeof read.value !== 'string') return read;
  const visible = read.value.replace(/\p{Cf}/gu, '').trim();
  if (visible === '') return OK(null);
  if (column.kind === 'id') return /^[0-9]+$/.test(visible) ? { ...read, value: visible } : ERR;
  return /^[A-Za-z0-9]{9}$/.test(visible) ? OK(visible.toUpperCase()) : ERR;
}

function oracleCell(cell: ReadableCell, column: OracleColumn, ctx: OracleContext): Read {
  switch (column.kind) {
    case 'id':
    case 'cusip':
      return oracleIdentifier(cell, column, ctx);
    case 'text':
      if (cell === null) return OK(null);
      if (typeof cell === 'number') return OK(String(cell));
      if (typeof cell === 'boolean') return OK(cell ? 'TRUE' : 'FALSE');
      return oracleString(cell);
    case 'date':
      return oracleDate(cell);
    default: {
      if (cell === null) return OK(null);
      if (typeof cell === 'boolean') return ERR;
      const value = typeof cell === 'number' ? cell : oracleNumber(cell, ctx.style);
      if (value === 'error') return ERR;
      if (value === null) return OK(null);
      if (column.kind === 'integer' && !Number.isInteger(value)) return ERR;
      if (column.min !== undefined && value < column.min) return ERR;
      if (column.max !== undefined && value > column.max) return ERR;
      return OK(value);
    }
  }
}

/** A header cell's place: a configured column, the imprecise flag, a pass-through name, or ignored. */
type Slot =
  | { kind: 'column'; column: OracleColumn }
  | { kind: 'flag' }
  | { kind: 'extra'; name: string }
  | { kind: 'ignored' };

const RESERVED = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

function slotOf(header: string): Slot {
  const key = matchKey(header);
  for (const column of ORACLE_COLUMNS)
    if ([column.name, column.display, ...column.aliases].some((n) => matchKey(n) === key))
      return { kind: 'column', column };
  if (OUTPUT_COLUMNS.some((c) => c.replaceAll('_', '') === key.replaceAll('_', '')))
    return { kind: 'ignored' };
  if (key === 'MESSAGE_ID_IMPRECISE') return { kind: 'flag' };
  return { kind: 'extra', name: header.trim().normalize('NFC') };
}

/** What the oracle expects of a table: a refusal of its header, or records and rows with errors. */
export type OracleResult =
  | { refused: 'header' }
  | {
      records: Record<string, unknown>[];
      /** For each row with errors: its number and the columns in error, sorted. */
      errorRows: [number, string[]][];
      imprecise: boolean;
    };

const isBlank = (cells: readonly OracleCell[]) =>
  cells.every((c) => c === null || (typeof c === 'string' && c.trim() === ''));

/** Reads a table of cells (first non-blank row = header; rows numbered from 1) per SPEC §1.2. */
export function oracleRead(
  table: readonly (readonly OracleCell[])[],
  ctx: OracleContext,
): OracleResult {
  const headerAt = table.findIndex((row) => !isBlank(row));
  if (headerAt < 0) return { refused: 'header' };
  const headerRow = table[headerAt] as readonly OracleCell[];
  const slots = headerRow.map((cell) => {
    const text = cell === null || isUnreadable(cell) ? '' : String(cell).trim();
    return text === '' ? ({ kind: 'ignored' } as const) : slotOf(text);
  });
  const named = slots.map((s) =>
    s.kind === 'column'
      ? s.column.name
      : s.kind === 'extra'
        ? matchKey(s.name)
        : s.kind === 'flag'
          ? 'FLAG'
          : '',
  );
  const seen = named.filter(Boolean);
  if (new Set(seen).size !== seen.length) return { refused: 'header' };
  if (slots.some((s) => s.kind === 'extra' && RESERVED.has(s.name))) return { refused: 'header' };
  for (const column of ORACLE_COLUMNS)
    if (column.headerRequired && !slots.some((s) => s.kind === 'column' && s.column === column))
      return { refused: 'header' };

  const records: Record<string, unknown>[] = [];
  const errorRows: [number, string[]][] = [];
  let imprecise = false;
  table.slice(headerAt + 1).forEach((cells, k) => {
    const row = headerAt + k + 2;
    if (isBlank(cells)) return;
    const record: Record<string, unknown> = {};
    for (const column of ORACLE_COLUMNS) record[column.name] = null;
    const errors = new Set<string>();
    let rowImprecise = false;
    let rankRead: Read = OK(null);
    for (const [i, slot] of slots.entries()) {
      const raw = cells[i] ?? null;
      if (isUnreadable(raw)) {
        // Never read as empty: a row error in whatever column it is.
        if (slot.kind === 'column') {
          if (slot.column.name === 'RANK') rankRead = ERR;
          errors.add(slot.column.name);
        } else if (slot.kind === 'extra') errors.add(slot.name);
        else if (slot.kind === 'flag') errors.add('MESSAGE_ID_IMPRECISE');
        continue;
      }
      const cell: ReadableCell = raw;
      if (slot.kind === 'column') {
        const read = oracleCell(cell, slot.column, ctx);
        if (slot.column.name === 'RANK') rankRead = read;
        if (!read.ok || (read.value === null && slot.column.required)) {
          errors.add(slot.column.name);
          continue;
        }
        record[slot.column.name] = read.value;
        if (read.imprecise) rowImprecise = true;
      } else if (slot.kind === 'extra') {
        const read: Read = typeof cell === 'string' ? oracleString(cell) : OK(cell); // numbers, booleans as they are
        if (!read.ok) errors.add(slot.name);
        else record[slot.name] = read.value;
      } else if (slot.kind === 'flag') {
        const text = typeof cell === 'string' ? cell.trim().toUpperCase() : cell;
        if (text === true || text === 1 || text === 'TRUE' || text === '1')
          record.MESSAGE_ID_IMPRECISE = true;
        else if (
          !(
            text === null ||
            text === false ||
            text === 0 ||
            text === '' ||
            text === 'FALSE' ||
            text === '0'
          )
        )
          errors.add('MESSAGE_ID_IMPRECISE');
      }
    }
    if (rankRead.ok && rankRead.value === null) {
      const bias = record.BIAS;
      const derived =
        typeof bias === 'string'
          ? BIAS_RANKS[bias.trim().replace(/\s+/g, ' ').toUpperCase()]
          : undefined;
      if (derived === undefined) errors.add('RANK');
      else record.RANK = derived;
    }
    if (rowImprecise) record.MESSAGE_ID_IMPRECISE = true;
    if (errors.size > 0) errorRows.push([row, [...errors].sort()]);
    else {
      records.push(record);
      if (rowImprecise) imprecise = true;
    }
  });
  return { records, errorRows, imprecise };
}

/** How the oracle decodes a CSV file's bytes: a refusal, or its records of text cells. */
export type OracleCsv =
  | { refused: 'empty' | 'utf16' | 'malformed' }
  | { refused: 'utf8'; offset: number }
  | { rows: string[][] };

/** The first byte offset at which `bytes` stops being UTF-8 (the longest prefix that decodes). */
function invalidUtf8Offset(bytes: Uint8Array): number | undefined {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  try {
    decoder.decode(bytes);
    return undefined;
  } catch {
    for (let end = bytes.length - 1; end >= 0; end--) {
      try {
        decoder.decode(bytes.subarray(0, end));
        return end;
      } catch {}
    }
    return 0;
  }
}

/** RFC 4180 with the given delimiter; a UTF-8 BOM is dropped; CR LF, LF or CR end a record. */
export function oracleCsv(bytes: Uint8Array, delimiter: string): OracleCsv {
  if (bytes.length === 0) return { refused: 'empty' };
  if ((bytes[0] === 0xfe && bytes[1] === 0xff) || (bytes[0] === 0xff && bytes[1] === 0xfe))
    return { refused: 'utf16' };
  const offset = invalidUtf8Offset(bytes);
  if (offset !== undefined) return { refused: 'utf8', offset };
  let text = new TextDecoder('utf-8').decode(bytes);
  if (text.startsWith('\ufeff')) text = text.slice(1);
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let i = 0;
  let quoted = false;
  let closed = false; // just after a closing quote
  let started = false; // the record has begun
  while (i < text.length) {
    const c = text[i] as string;
    if (quoted) {
      if (c === '"') {
        if (text[i + 1] === '"') {
          field += '"';
          i += 2;
          continue;
        }
        quoted = false;
        closed = true;
      } else field += c;
      i++;
      continue;
    }
    if (c === delimiter) {
      row.push(field);
      field = '';
      closed = false;
      started = true;
      i++;
      continue;
    }
    if (c === '\r' || c === '\n') {
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
      closed = false;
      started = false;
      i += c === '\r' && text[i + 1] === '\n' ? 2 : 1;
      continue;
    }
    if (closed) return { refused: 'malformed' }; // text after a closing quote
    if (c === '"') {
      if (field !== '') return { refused: 'malformed' }; // a quote inside an unquoted field
      quoted = true;
      started = true;
      i++;
      continue;
    }
    field += c;
    started = true;
    i++;
  }
  if (quoted) return { refused: 'malformed' };
  if (started || field !== '' || closed) {
    row.push(field);
    rows.push(row);
  }
  return { rows };
}
