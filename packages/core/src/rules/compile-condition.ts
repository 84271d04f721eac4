import type { ColumnConfig, ColumnDef } from '../columns/column-config.js';
import type { RecordValue } from '../parse/record.js';
import { isAbsent, type OperandContext, readOperands } from './leaf-operands.js';
import { leafWitness } from './leaf-witness.js';
import { resolveOperator } from './operators.js';
import type { Condition, LeafCondition } from './rule-schema.js';
import { textKeyComparison } from './text-tests.js';
import type { KeyOf, ValueKey } from './value-keys.js';
import { inlineComparison, leafValueTest } from './value-tests.js';
import type { WitnessLeaf } from './witness.js';

export type { WitnessLeaf } from './witness.js';

type Row = Readonly<Record<string, RecordValue | undefined>>;

/**
 * A necessary condition of a compiled condition: it can only hold on a row whose `field` has a
 * {@link ValueKey} in `keys` (an `equal_to` / `in` leaf, an `all` holding one, an `any` of them on
 * one field). Rules are indexed by it, so a row is tested only against the rules it can match.
 */
export interface Anchor {
  /** Column name. */
  field: string;
  keyOf: KeyOf;
  keys: ReadonlySet<ValueKey>;
}

/** A compiled condition: a synchronous predicate and, for rows it decided, the leaves why. */
export interface CompiledCondition {
  test(row: Row): boolean;
  /**
   * Evaluates the condition once and appends the leaves that decided its value to `witness`
   * (SPEC §3: every leaf of a true `all`, the first false leaf of a false one, the first true
   * leaf of a true `any`, every leaf of a false one; a `not` flips what its subtree must show).
   * Linear in the tree's size: no subtree is evaluated twice. `known` is the value when the
   * caller knows it (a rule that matched is true): an `all` known true, an `any` known false and
   * a leaf take it instead of testing again.
   */
  explain(row: Row, witness: WitnessLeaf[], known?: boolean): boolean;
  /**
   * JavaScript source of the same test, for code generation: number and date comparisons are
   * written out over the field's comparable value, other leaf tests are pushed to `constants` and
   * called as `c[i]` on the field's value. `scope` names the locals holding those (the caller reads
   * each field once per row).
   */
  emit(constants: unknown[], scope: EmitScope): string;
  anchor: Anchor | undefined;
}

/** Where generated code finds a row's values: expressions (locals) the caller defines. */
export interface EmitScope {
  /** The row's value of a column. */
  value(name: string): string;
  /** The row's value's key, by the column's shared `keyOf` (text leaves compare keys). */
  key(column: ColumnDef, keyOf: KeyOf): string;
  /** Whether a leaf that could test either should test the key rather than the raw value. */
  preferKey(column: ColumnDef): boolean;
  /** The value made comparable for a number or date column (`comparableSource`). */
  comparable(column: ColumnDef): string;
}

/** A problem found while compiling a condition; `path` locates it (`when.all[1].not`). */
export interface ConditionProblem {
  path: string;
  reason: string;
}

export interface CompileContext extends OperandContext {
  columns: ColumnConfig;
  /** The column's {@link KeyOf}, shared by every leaf of the compilation (`createKeyCache`). */
  keyOf(column: ColumnDef): KeyOf;
  problems: ConditionProblem[];
}

const NEVER: CompiledCondition = {
  test: () => false,
  explain: () => false,
  emit: () => 'false',
  anchor: undefined,
};

/**
 * Compiles a condition tree; problems are collected in `context.problems` (the result is then
 * unusable). `at` is the tree path of `condition` as witnesses record it. Recursion is bounded by
 * `RULE_LIMITS.maxDepth`, which callers check first.
 */
export function compileCondition(
  condition: Condition,
  path: string,
  context: CompileContext,
  at: readonly number[] = [],
): CompiledCondition {
  if ('all' in condition || 'any' in condition) {
    const key = 'all' in condition ? 'all' : 'any';
    const children = 'all' in condition ? condition.all : condition.any;
    const parts = children.map((c, i) =>
      compileCondition(c, `${path}.${key}[${i}]`, context, [...at, i]),
    );
    if (parts.length === 0)
      return problem(context, path, `an "${key}" group needs at least one condition`);
    return key === 'all' ? allOf(parts) : anyOf(parts);
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not, `${path}.not`, context, [...at, 0]);
    return {
      test: (row) => !inner.test(row),
      explain: (row, witness, known) =>
        !inner.explain(row, witness, known === undefined ? undefined : !known),
      emit: (constants, scope) => `!${inner.emit(constants, scope)}`,
      anchor: undefined,
    };
  }
  return compileLeaf(condition, path, context, at);
}

/** Drops the witness entries from `from` up to `start`, keeping those after (one child's). */
function keepFrom(witness: WitnessLeaf[], from: number, start: number): void {
  if (start === from) return;
  witness.copyWithin(from, start);
  witness.length -= start - from;
}

function allOf(parts: CompiledCondition[]): CompiledCondition {
  let anchor: Anchor | undefined;
  for (const p of parts)
    if (p.anchor && (!anchor || p.anchor.keys.size < anchor.keys.size)) anchor = p.anchor;
  return {
    test: (row) => {
      for (const part of parts) if (!part.test(row)) return false;
      return true;
    },
    explain: (row, witness, known) => {
      if (known === true) {
        for (const part of parts) part.explain(row, witness, true);
        return true;
      }
      const from = witness.length;
      for (const part of parts) {
        const start = witness.length;
        if (!part.explain(row, witness)) {
          keepFrom(witness, from, start);
          return false;
        }
      }
      return true;
    },
    emit: (constants, scope) => `(${parts.map((p) => p.emit(constants, scope)).join(' && ')})`,
    anchor,
  };
}

function anyOf(parts: CompiledCondition[]): CompiledCondition {
  return {
    test: (row) => {
      for (const part of parts) if (part.test(row)) return true;
      return false;
    },
    explain: (row, witness, known) => {
      if (known === false) {
        for (const part of parts) part.explain(row, witness, false);
        return false;
      }
      const from = witness.length;
      for (const part of parts) {
        const start = witness.length;
        if (part.explain(row, witness)) {
          keepFrom(witness, from, start);
          return true;
        }
      }
      return false;
    },
    emit: (constants, scope) => `(${parts.map((p) => p.emit(constants, scope)).join(' || ')})`,
    anchor: unionAnchor(parts),
  };
}

/** An `any` is anchored when every part is anchored on the same field: by the union of keys. */
function unionAnchor(parts: CompiledCondition[]): Anchor | undefined {
  const first = parts[0]?.anchor;
  if (!first || parts.some((p) => p.anchor?.field !== first.field)) return undefined;
  const keys = new Set<ValueKey>();
  for (const p of parts) for (const key of (p.anchor as Anchor).keys) keys.add(key);
  return { field: first.field, keyOf: first.keyOf, keys };
}

function problem(context: CompileContext, path: string, reason: string): CompiledCondition {
  context.problems.push({ path, reason });
  return NEVER;
}

/** The leaf as problems quote it; a long list is abbreviated (it may hold thousands of values). */
function describeLeaf(leaf: LeafCondition): string {
  const quote = (v: unknown) =>
    Array.isArray(v) && v.length > 3
      ? `[${v
          .slice(0, 3)
          .map((x) => JSON.stringify(x))
          .join(',')}, … ${v.length - 3} more]`
      : JSON.stringify(v);
  const value = leaf.value === undefined ? '' : ` ${quote(leaf.value)}`;
  const value2 = leaf.value2 === undefined ? '' : ` and ${quote(leaf.value2)}`;
  return `${leaf.field} ${leaf.op}${value}${value2}`;
}

function compileLeaf(
  leaf: LeafCondition,
  path: string,
  context: CompileContext,
  at: readonly number[],
): CompiledCondition {
  const fail = (reason: string) => problem(context, `${path} (${describeLeaf(leaf)})`, reason);
  const column = context.columns.resolve(leaf.field);
  const info = resolveOperator(leaf.op);
  if (!column) {
    const known = context.columns.columns.map((c) => c.name).join(', ');
    return fail(
      `unknown field "${leaf.field}": no column, alias or display name matches (columns: ${known})`,
    );
  }
  if (!info) return fail(`unknown operator "${leaf.op}"`);
  if (!info.types.includes(column.type)) {
    return fail(
      `operator ${info.op} does not apply to ${column.type} column ${column.name} (it takes ${info.types.join(', ')})`,
    );
  }
  if (info.arity !== 'two' && !isAbsent(leaf.value2)) return fail(`value2 is only used by between`);
  const operands = readOperands(leaf, info, column, context);
  if (typeof operands === 'string') return fail(operands);
  const keyOf = context.keyOf(column);
  const valueTest = leafValueTest(column, info.op, operands, keyOf);
  const keyTest = column.type === 'text' ? textKeyComparison(info.op, operands) : undefined;
  const inline = inlineComparison(column, info.op, operands);
  const name = column.name;
  const witnessOf = leafWitness(leaf, info, name, at, operands, keyOf);
  const explain = (row: Row, witness: WitnessLeaf[], known?: boolean): boolean => {
    const actual = row[name] ?? null;
    const result = known ?? valueTest(actual);
    witness.push(witnessOf(actual, result));
    return result;
  };
  const anchored = info.op === 'equal_to' || info.op === 'in';
  return {
    test: (row) => valueTest(row[name]),
    explain,
    emit: (constants, scope) => {
      if (inline) return inline(scope.comparable(column));
      const c = (constant: unknown) => `c[${constants.push(constant) - 1}]`;
      if (keyTest && (keyTest.keyOnly || scope.preferKey(column)))
        return keyTest.source(scope.key(column, keyOf), c(keyTest.constant));
      return `${c(valueTest)}(${scope.value(name)})`;
    },
    anchor: anchored ? { field: name, keyOf, keys: new Set(operands) } : undefined,
  };
}
