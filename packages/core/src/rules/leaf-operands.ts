import type { ColumnDef } from '../columns/column-config.js';
import { parseNumberText } from '../parse/number-text.js';
import type { OperatorInfo } from './operators.js';
import { isRelativeDate, resolveRuleDate } from './relative-date.js';
import type { LeafCondition } from './rule-schema.js';

/** Operand values parsed for the column type: numbers, `YYYY-MM-DD` dates, or normalised text. */
export type Operand = number | string;

/** What reading operands needs to know of the compilation. */
export interface OperandContext {
  /** The run's business date, for relative dates. */
  businessDate: string | undefined;
  /** Only checking the rules (saving them): relative dates need no business date yet. */
  validateOnly: boolean;
}

export const isAbsent = (v: unknown) => v === undefined || v === null || v === '';

/**
 * The leaf's operands, parsed for the column (a list's in list order), or the reason they do not
 * fit the operator and column.
 */
export function readOperands(
  leaf: LeafCondition,
  info: OperatorInfo,
  column: ColumnDef,
  context: OperandContext,
): Operand[] | string {
  if (info.arity === 'none') {
    return isAbsent(leaf.value) ? [] : `${info.op} takes no value`;
  }
  let raw: unknown[];
  if (info.arity === 'list') {
    if (!Array.isArray(leaf.value)) return `${info.op} needs a JSON array of values`;
    if (leaf.value.length === 0) return `${info.op} needs a non-empty list`;
    raw = leaf.value;
  } else if (info.arity === 'two') {
    if (isAbsent(leaf.value) || isAbsent(leaf.value2)) return 'between needs value and value2';
    raw = [leaf.value, leaf.value2];
  } else {
    if (isAbsent(leaf.value))
      return `${info.op} needs a value (use is_empty to match empty values)`;
    raw = [leaf.value];
  }
  const operands: Operand[] = [];
  for (const item of raw) {
    const operand = readOperand(item, column, context);
    if (typeof operand === 'object') return operand.error;
    operands.push(operand);
  }
  const equality = info.op === 'equal_to' || info.op === 'not_equal_to' || info.arity === 'list';
  if (column.zeroMeansEmpty && equality && operands.includes(0)) {
    return `0 means empty in ${column.name}, so it never equals 0; use is_empty / is_not_empty`;
  }
  if (info.arity === 'two' && (operands[0] as Operand) > (operands[1] as Operand))
    operands.reverse();
  return operands;
}

function readOperand(
  value: unknown,
  column: ColumnDef,
  context: OperandContext,
): Operand | { error: string } {
  switch (column.type) {
    case 'number':
    case 'integer': {
      const n =
        typeof value === 'number'
          ? Number.isFinite(value)
            ? value
            : undefined
          : typeof value === 'string'
            ? parseNumberText(value)
            : undefined;
      return typeof n === 'number'
        ? n
        : { error: `${JSON.stringify(value)} is not a number for ${column.name}` };
    }
    case 'date': {
      if (typeof value !== 'string')
        return {
          error: `${JSON.stringify(value)} is not a date for ${column.name} (write YYYY-MM-DD, today, today-3d or today-2bd)`,
        };
      if (isRelativeDate(value) && context.businessDate === undefined && !context.validateOnly) {
        return {
          error: `relative date "${value}" needs the run's business date (pass businessDate)`,
        };
      }
      // When only validating, any date stands in for the business date: the shape is what is checked.
      const date = resolveRuleDate(value, context.businessDate ?? '2000-01-03');
      return (
        date ?? {
          error: `"${value}" is not a date for ${column.name} (write YYYY-MM-DD, today, today-3d or today-2bd)`,
        }
      );
    }
    case 'id':
      if (typeof value !== 'string' || value.trim() === '') {
        return {
          error: `ids are compared as exact text: write ${column.name} values as JSON strings (got ${JSON.stringify(value)})`,
        };
      }
      return value.trim();
    case 'text': {
      if (typeof value === 'number' && Number.isFinite(value)) return String(value).toLowerCase();
      if (typeof value !== 'string' || value.trim() === '')
        return { error: `${JSON.stringify(value)} is not a text value for ${column.name}` };
      return value.trim().toLowerCase();
    }
  }
}
