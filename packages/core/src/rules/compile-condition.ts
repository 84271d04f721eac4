import type { ColumnConfig, ColumnDef } from '../columns/column-config.js';
import { parseNumberText, trimSpaces } from '../parse/number-text.js';
import type { RecordValue } from '../parse/record.js';
import { type Operator, type OperatorInfo, resolveOperator } from './operators.js';
import { isRelativeDate, resolveRuleDate } from './relative-date.js';
import type { Condition, LeafCondition } from './rule-schema.js';

type Row = Readonly<Record<string, RecordValue | undefined>>;

/** A leaf that took part in a decision, with the row's value (SPEC §3 witness). */
export interface WitnessLeaf {
  /** Column name (the rule may have named it by alias or display name). */
  field: string;
  op: Operator;
  value?: unknown;
  value2?: unknown;
  /** The row's value of the field. */
  actual: RecordValue;
  /** What the leaf evaluated to: `false` for a leaf under a `not`. */
  result: boolean;
}

/** A compiled condition: a synchronous predicate and, for rows it decided, the leaves why. */
export interface CompiledCondition {
  test(row: Row): boolean;
  /** The leaves that make the condition evaluate to `outcome` on `row`. */
  explain(row: Row, outcome: boolean): WitnessLeaf[];
  /**
   * JavaScript source of the same test over `row`, for code generation: leaf value tests are
   * pushed to `constants` and referenced as `c[i]`; field names are JSON-quoted literals.
   */
  emit(constants: unknown[]): string;
}

/** A problem found while compiling a condition; `path` locates it (`when.all[1].not`). */
export interface ConditionProblem {
  path: string;
  reason: string;
}

export interface CompileContext {
  columns: ColumnConfig;
  /** The run's business date, for relative dates. */
  businessDate: string | undefined;
  /** Only checking the rules (saving them): relative dates need no business date yet. */
  validateOnly: boolean;
  problems: ConditionProblem[];
}

const NEVER: CompiledCondition = { test: () => false, explain: () => [], emit: () => 'false' };

/** Compiles a condition tree; problems are collected in `context.problems` (the result is then unusable). */
export function compileCondition(
  condition: Condition,
  path: string,
  context: CompileContext,
): CompiledCondition {
  if ('all' in condition) {
    const parts = condition.all.map((c, i) => compileCondition(c, `${path}.all[${i}]`, context));
    if (parts.length === 0)
      return problem(context, path, 'an "all" group needs at least one condition');
    return {
      test: (row) => {
        for (const part of parts) if (!part.test(row)) return false;
        return true;
      },
      explain: (row, outcome) => {
        if (outcome) return parts.flatMap((p) => p.explain(row, true));
        const failing = parts.find((p) => !p.test(row));
        return failing ? failing.explain(row, false) : [];
      },
      emit: (constants) => `(${parts.map((p) => p.emit(constants)).join(' && ')})`,
    };
  }
  if ('any' in condition) {
    const parts = condition.any.map((c, i) => compileCondition(c, `${path}.any[${i}]`, context));
    if (parts.length === 0)
      return problem(context, path, 'an "any" group needs at least one condition');
    return {
      test: (row) => {
        for (const part of parts) if (part.test(row)) return true;
        return false;
      },
      explain: (row, outcome) => {
        if (!outcome) return parts.flatMap((p) => p.explain(row, false));
        const passing = parts.find((p) => p.test(row));
        return passing ? passing.explain(row, true) : [];
      },
      emit: (constants) => `(${parts.map((p) => p.emit(constants)).join(' || ')})`,
    };
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not, `${path}.not`, context);
    return {
      test: (row) => !inner.test(row),
      explain: (row, outcome) => inner.explain(row, !outcome),
      emit: (constants) => `!${inner.emit(constants)}`,
    };
  }
  return compileLeaf(condition, path, context);
}

function problem(context: CompileContext, path: string, reason: string): CompiledCondition {
  context.problems.push({ path, reason });
  return NEVER;
}

function describeLeaf(leaf: LeafCondition): string {
  const value = leaf.value === undefined ? '' : ` ${JSON.stringify(leaf.value)}`;
  const value2 = leaf.value2 === undefined ? '' : ` and ${JSON.stringify(leaf.value2)}`;
  return `${leaf.field} ${leaf.op}${value}${value2}`;
}

const isAbsent = (v: unknown) => v === undefined || v === null || v === '';

function compileLeaf(
  leaf: LeafCondition,
  path: string,
  context: CompileContext,
): CompiledCondition {
  const where = `${path} (${describeLeaf(leaf)})`;
  const column = context.columns.resolve(leaf.field);
  const info = resolveOperator(leaf.op);
  if (!column) {
    const known = context.columns.columns.map((c) => c.name).join(', ');
    return problem(
      context,
      where,
      `unknown field "${leaf.field}": no column, alias or display name matches (columns: ${known})`,
    );
  }
  if (!info) return problem(context, where, `unknown operator "${leaf.op}"`);
  if (!info.types.includes(column.type)) {
    return problem(
      context,
      where,
      `operator ${info.op} does not apply to ${column.type} column ${column.name} (it takes ${info.types.join(', ')})`,
    );
  }
  if (info.arity !== 'two' && !isAbsent(leaf.value2))
    return problem(context, where, `value2 is only used by between`);
  const operands = readOperands(leaf, info, column, context);
  if (typeof operands === 'string') return problem(context, where, operands);
  const valueTest = leafValueTest(column, info.op, operands);
  const name = column.name;
  const witness = (row: Row, result: boolean): WitnessLeaf => {
    const entry: WitnessLeaf = {
      field: column.name,
      op: info.op,
      actual: row[column.name] ?? null,
      result,
    };
    if (!isAbsent(leaf.value)) entry.value = leaf.value;
    if (!isAbsent(leaf.value2)) entry.value2 = leaf.value2;
    return entry;
  };
  return {
    test: (row) => valueTest(row[name]),
    explain: (row, outcome) => [witness(row, outcome)],
    emit: (constants) => `c[${constants.push(valueTest) - 1}](row[${JSON.stringify(name)}])`,
  };
}

/** Operand values parsed for the column type: numbers, `YYYY-MM-DD` dates, or normalised text. */
type Operand = number | string;

function readOperands(
  leaf: LeafCondition,
  info: OperatorInfo,
  column: ColumnDef,
  context: CompileContext,
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
  context: CompileContext,
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

/** Tests one field value; `undefined` (a missing field) counts as empty. */
type ValueTest = (v: RecordValue | undefined) => boolean;

function leafValueTest(column: ColumnDef, op: Operator, operands: Operand[]): ValueTest {
  const zeroIsEmpty = column.zeroMeansEmpty;
  const isEmpty = (v: RecordValue | undefined) =>
    v === null || v === undefined || v === '' || (zeroIsEmpty && v === 0);
  if (op === 'is_empty') return isEmpty;
  if (op === 'is_not_empty') return (v) => !isEmpty(v);

  // Every other leaf is false on an empty value (SPEC §3), so the comparison below sees a value.
  const compare = valuePredicate(op, operands);
  if (column.type === 'text') return textValueTest(op, operands as string[], compare);
  if (column.type === 'id') {
    return (v) =>
      v !== null && v !== undefined && v !== '' && compare(typeof v === 'string' ? v : String(v));
  }
  return (v) =>
    v !== null && v !== undefined && v !== '' && !(zeroIsEmpty && v === 0) && compare(v as Operand);
}

/** Distinct values remembered per text leaf; past it, values are normalised row by row. */
const MEMO_LIMIT = 65_536;

/**
 * `value`, trimmed and lower-cased, equals `target` (already trimmed and lower-case) — without
 * allocating for the usual ASCII values of a different length or content.
 */
function equalsIgnoringCase(value: string, target: string): boolean {
  const n = target.length;
  if (value.length !== n) {
    if (value.length < n) return false;
    const trimmed = trimSpaces(value);
    return trimmed.length === n && trimmed.toLowerCase() === target;
  }
  for (let i = 0; i < n; i++) {
    let a = value.charCodeAt(i);
    if (a > 127) return value.toLowerCase() === target;
    if (a >= 65 && a <= 90) a += 32;
    if (a !== target.charCodeAt(i)) return false;
  }
  return true;
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Text compares trimmed and case-insensitively, without allocating per row: equality compares
 * character codes, contains/starts/ends use one case-insensitive regular expression, and list
 * operators memoise the outcome per raw value (text columns repeat few values).
 */
function textValueTest(
  op: Operator,
  operands: string[],
  compare: (v: Operand) => boolean,
): ValueTest {
  if (op === 'equal_to' || op === 'not_equal_to') {
    const target = operands[0] as string;
    const negated = op === 'not_equal_to';
    return (v) =>
      v !== null &&
      v !== undefined &&
      v !== '' &&
      equalsIgnoringCase(typeof v === 'string' ? v : String(v), target) !== negated;
  }
  const needle = escapeRegExp(operands[0] as string);
  const pattern =
    op === 'contains' || op === 'not_contains'
      ? new RegExp(needle, 'i')
      : op === 'starts_with'
        ? new RegExp(`^\\s*${needle}`, 'i')
        : op === 'ends_with'
          ? new RegExp(`${needle}\\s*$`, 'i')
          : undefined;
  if (pattern) {
    const negated = op === 'not_contains';
    return (v) =>
      v !== null &&
      v !== undefined &&
      v !== '' &&
      pattern.test(typeof v === 'string' ? v : String(v)) !== negated;
  }
  const memo = new Map<string, boolean>();
  return (v) => {
    if (v === null || v === undefined || v === '') return false;
    const raw = typeof v === 'string' ? v : String(v);
    let result = memo.get(raw);
    if (result === undefined) {
      result = compare(raw.trim().toLowerCase());
      if (memo.size < MEMO_LIMIT) memo.set(raw, result);
    }
    return result;
  };
}

function valuePredicate(op: Operator, operands: Operand[]): (v: Operand) => boolean {
  const a = operands[0] as Operand;
  const b = operands[1] as Operand;
  switch (op) {
    case 'equal_to':
      return (v) => v === a;
    case 'not_equal_to':
      return (v) => v !== a;
    case 'less_than':
      return (v) => v < a;
    case 'greater_than':
      return (v) => v > a;
    case 'less_than_equal_to':
      return (v) => v <= a;
    case 'greater_than_equal_to':
      return (v) => v >= a;
    case 'between':
      return (v) => v >= a && v <= b;
    case 'contains':
      return (v) => (v as string).includes(a as string);
    case 'not_contains':
      return (v) => !(v as string).includes(a as string);
    case 'starts_with':
      return (v) => (v as string).startsWith(a as string);
    case 'ends_with':
      return (v) => (v as string).endsWith(a as string);
    case 'in': {
      const set = new Set<Operand>(operands);
      return (v) => set.has(v);
    }
    case 'not_in': {
      const set = new Set<Operand>(operands);
      return (v) => !set.has(v);
    }
    default:
      return () => false;
  }
}
