import type { ColumnType } from '../columns/column-config.js';

/** Canonical operator names (SPEC §3). */
export type Operator =
  | 'equal_to'
  | 'not_equal_to'
  | 'less_than'
  | 'greater_than'
  | 'less_than_equal_to'
  | 'greater_than_equal_to'
  | 'between'
  | 'contains'
  | 'not_contains'
  | 'starts_with'
  | 'ends_with'
  | 'in'
  | 'not_in'
  | 'is_empty'
  | 'is_not_empty';

const ORDERED: ColumnType[] = ['number', 'integer', 'date'];
const TEXTUAL: ColumnType[] = ['text', 'id'];
const ALL: ColumnType[] = [...ORDERED, ...TEXTUAL];

/** What an operator accepts: its spellings, column types and values. */
export interface OperatorInfo {
  op: Operator;
  /** Other accepted spellings, case-insensitive (`eq`, `equals`, `is equal to`…). */
  aliases: string[];
  /** Column types the operator accepts. */
  types: ColumnType[];
  /** What `value` must be: one value, two (`value` and `value2`), a non-empty list, or none. */
  arity: 'one' | 'two' | 'list' | 'none';
  description: string;
}

/** Every operator with its aliases and the column types it accepts (served by `GET /api/rules/operators`). */
export const OPERATORS: readonly OperatorInfo[] = Object.freeze([
  {
    op: 'equal_to',
    aliases: ['equals', 'eq', 'equal to', 'is equal to'],
    types: ALL,
    arity: 'one',
    description: 'equals the value',
  },
  {
    op: 'not_equal_to',
    aliases: ['not_equals', 'ne', 'not equal to', 'is not equal to'],
    types: ALL,
    arity: 'one',
    description: 'differs from the value (empty values are kept)',
  },
  {
    op: 'less_than',
    aliases: ['lt', 'less than', 'is less than'],
    types: ORDERED,
    arity: 'one',
    description: 'below the value',
  },
  {
    op: 'greater_than',
    aliases: ['gt', 'greater than', 'is greater than'],
    types: ORDERED,
    arity: 'one',
    description: 'above the value',
  },
  {
    op: 'less_than_equal_to',
    aliases: ['lte', 'less_or_equal', 'less than equal to'],
    types: ORDERED,
    arity: 'one',
    description: 'at most the value',
  },
  {
    op: 'greater_than_equal_to',
    aliases: ['gte', 'greater_or_equal', 'greater than equal to'],
    types: ORDERED,
    arity: 'one',
    description: 'at least the value',
  },
  {
    op: 'between',
    aliases: [],
    types: ORDERED,
    arity: 'two',
    description: 'between value and value2, both included, in either order',
  },
  { op: 'contains', aliases: [], types: TEXTUAL, arity: 'one', description: 'contains the text' },
  {
    op: 'not_contains',
    aliases: ['does not contain'],
    types: TEXTUAL,
    arity: 'one',
    description: 'does not contain the text (empty values are kept)',
  },
  {
    op: 'starts_with',
    aliases: ['starts with'],
    types: TEXTUAL,
    arity: 'one',
    description: 'starts with the text',
  },
  {
    op: 'ends_with',
    aliases: ['ends with'],
    types: TEXTUAL,
    arity: 'one',
    description: 'ends with the text',
  },
  {
    op: 'in',
    aliases: [],
    types: ALL,
    arity: 'list',
    description: 'equals one of a non-empty list',
  },
  {
    op: 'not_in',
    aliases: [],
    types: ALL,
    arity: 'list',
    description: 'equals none of a non-empty list (empty values are kept)',
  },
  {
    op: 'is_empty',
    aliases: [],
    types: ALL,
    arity: 'none',
    description: 'has no value (0 counts as empty where 0 means empty)',
  },
  { op: 'is_not_empty', aliases: [], types: ALL, arity: 'none', description: 'has a value' },
] satisfies OperatorInfo[]);

const operatorKey = (name: string) =>
  name
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, ' ');

const BY_KEY = new Map<string, OperatorInfo>();
for (const info of OPERATORS) {
  for (const spelling of [info.op, ...info.aliases]) BY_KEY.set(operatorKey(spelling), info);
}

/** The operator an input spelling names (canonical name or alias, case-insensitive), if any. */
export function resolveOperator(name: string): OperatorInfo | undefined {
  return BY_KEY.get(operatorKey(name));
}
