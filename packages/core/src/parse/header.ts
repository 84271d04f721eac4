import type { ColumnConfig, ColumnDef } from '../columns/column-config.js';
import { headerKey, OUTPUT_ONLY_COLUMNS } from '../columns/column-config.js';
import { MarketPulseError } from '../errors.js';
import { exportColumns } from '../export/export-columns.js';
import { cellTextProblem, columnCountProblem } from '../export/spreadsheet-limits.js';
import { trimSpaces } from './number-text.js';
import { type Cell, impreciseFlagColumn, isErrorCell, type ParseNotice } from './record.js';
import { normalizeText } from './text-values.js';

/** Details of a header that cannot be read; the whole input is refused. */
export interface HeaderProblem {
  kind: 'header';
  /** Required columns with no header. */
  missing: string[];
  /** Columns named by more than one header, with the headers that named them. */
  duplicate: { column: string; headers: string[] }[];
  /** Every non-empty header found, as written. */
  found: string[];
  /**
   * Headers that cannot be the name of a pass-through column: names of JavaScript's object
   * machinery (`__proto__`, `constructor`, `prototype`, `toString`…), which a record could not
   * hold as plain data. Refused rather than dropped, so nothing is lost silently.
   */
  reserved: string[];
  /**
   * What an export could not hold (SPEC §1.3: every input column is exported): more columns than
   * a spreadsheet sheet has, or a header longer than a cell holds. Refused when read, so one file
   * can never make the standing exports unwritable.
   */
  exportLimits: string[];
}

/** Where each header cell goes. */
export type HeaderSlot =
  | { kind: 'column'; index: number; column: ColumnDef }
  | { kind: 'extra'; index: number; name: string }
  /** An id column's imprecise flag (`MESSAGE_ID_IMPRECISE`), e.g. in a re-uploaded export. */
  | { kind: 'flag'; index: number; name: string };

export interface HeaderMap {
  slots: HeaderSlot[];
  notices: ParseNotice[];
}

// Output columns are recognised in any spelling of their words ("Row ID", "row_id", "ROWID"):
// a desk re-uploading an export must never get them back as pass-through data.
const outputKey = (text: string) => headerKey(text).replaceAll('_', '');
const OUTPUT_KEYS = new Set(OUTPUT_ONLY_COLUMNS.map(outputKey));

/** Property names a plain object inherits or treats specially: never a pass-through column. */
const RESERVED_NAMES = new Set([...Object.getOwnPropertyNames(Object.prototype), 'prototype']);

function headerText(cell: Cell): string {
  if (cell === null || cell === undefined) return '';
  if (isErrorCell(cell)) return cell.error;
  return normalizeText(trimSpaces(cell instanceof Date ? cell.toISOString() : String(cell)));
}

/** What the exports could not hold of this header (see {@link HeaderProblem.exportLimits}). */
function exportLimitProblems(
  config: ColumnConfig,
  slots: readonly HeaderSlot[],
  found: readonly string[],
): string[] {
  const passThrough = slots.flatMap((s) => (s.kind === 'column' ? [] : [s.name]));
  const problems = [columnCountProblem(exportColumns(config, passThrough).length)];
  for (const text of found) {
    const problem = cellTextProblem(text);
    if (problem === undefined) continue;
    problems.push(`the header "${text.slice(0, 40)}…": ${problem}`);
    break; // one is enough to say what to fix
  }
  return problems.filter((p): p is string => p !== undefined);
}

/**
 * Maps a header row onto the column configuration. Matching is case- and whitespace-insensitive
 * over names, display names and aliases; header text is read in NFC. Throws a VALIDATION_ERROR with
 * {@link HeaderProblem} details when a required column is missing, two headers name one column or
 * a pass-through column has a reserved name (`__proto__`…), or an export could not hold the header
 * (more columns than a sheet has, a header longer than a cell).
 */
export function mapHeader(header: readonly Cell[], config: ColumnConfig): HeaderMap {
  const slots: HeaderSlot[] = [];
  const found: string[] = [];
  const ignored: string[] = [];
  const extras: string[] = [];
  const reserved: string[] = [];
  const seen = new Map<string, string[]>();
  const flags = new Map(
    config.columns
      .filter((c) => c.type === 'id')
      .map((c) => [headerKey(impreciseFlagColumn(c.name)), impreciseFlagColumn(c.name)]),
  );
  header.forEach((cell, index) => {
    const text = headerText(cell);
    if (text === '') return;
    found.push(text);
    const column = config.resolve(text);
    const target = column ? column.name : OUTPUT_KEYS.has(outputKey(text)) ? undefined : text;
    if (target === undefined) {
      ignored.push(text);
      return;
    }
    const flag = column ? undefined : flags.get(headerKey(text));
    const key = column ? column.name : (flag ?? headerKey(text));
    seen.set(key, [...(seen.get(key) ?? []), text]);
    if (column) slots.push({ kind: 'column', index, column });
    else if (flag !== undefined) slots.push({ kind: 'flag', index, name: flag });
    else if (RESERVED_NAMES.has(text)) reserved.push(text);
    else {
      slots.push({ kind: 'extra', index, name: text });
      extras.push(text);
    }
  });
  const duplicate = [...seen]
    .filter(([, headers]) => headers.length > 1)
    .map(([column, headers]) => ({ column, headers }));
  const mapped = new Set(slots.flatMap((s) => (s.kind === 'column' ? [s.column.name] : [])));
  const missing = config.columns
    .filter((c) => c.headerRequired && !mapped.has(c.name))
    .map((c) => c.name);
  const exportLimits = exportLimitProblems(config, slots, found);
  if (
    missing.length > 0 ||
    duplicate.length > 0 ||
    reserved.length > 0 ||
    exportLimits.length > 0
  ) {
    const parts = [
      missing.length > 0 ? `missing required column(s) ${missing.join(', ')}` : '',
      duplicate.length > 0
        ? `more than one header names ${duplicate.map((d) => `${d.column} (${d.headers.join(' / ')})`).join(', ')}`
        : '',
      reserved.length > 0
        ? `column name(s) ${reserved.join(', ')} cannot be passed through (reserved in JavaScript objects); rename or remove the column(s)`
        : '',
      ...exportLimits,
    ].filter(Boolean);
    throw new MarketPulseError<HeaderProblem>(
      'VALIDATION_ERROR',
      `cannot read the header: ${parts.join('; ')}. Found: ${found.join(', ') || 'no headers'}`,
      {
        details: { kind: 'header', missing, duplicate, found, reserved, exportLimits },
      },
    );
  }
  const notices: ParseNotice[] = [];
  if (ignored.length > 0) {
    notices.push({
      kind: 'output-columns-ignored',
      columns: ignored,
      message: `output column(s) ${ignored.join(', ')} are computed by Market Pulse; the input's values were ignored and recomputed`,
    });
  }
  if (extras.length > 0) {
    notices.push({
      kind: 'unknown-columns-kept',
      columns: extras,
      message: `column(s) ${extras.join(', ')} are not in the configuration; they are passed through unchanged`,
    });
  }
  return { slots, notices };
}
