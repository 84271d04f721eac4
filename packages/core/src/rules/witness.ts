import type { RecordValue } from '../parse/record.js';
import type { Operator } from './operators.js';
import type { Condition } from './rule-schema.js';

/**
 * A leaf that took part in a decision, with the row's value (SPEC §3 witness). It names the leaf
 * (`path` into the rule's `when`) and copies only scalars — never an `in` / `not_in` list, of which
 * it records the size and the entry the row's value equals — so its size is bounded whatever the
 * rule holds (see `RULE_LIMITS`).
 *
 * @example
 * ```json
 * { "path": [1, 0], "field": "MESSAGE_ID", "op": "in", "listSize": 5000,
 *   "listMatch": "17734228894978519", "actual": "17734228894978519", "result": true }
 * ```
 */
export interface WitnessLeaf {
  /**
   * Child indexes from the rule's `when` to this leaf: `[]` when `when` is the leaf, `[1, 0]` for
   * `when.all[1].any[0]`; a `not` is one step, index 0. {@link conditionAt} resolves it.
   */
  path: readonly number[];
  /** Column name (the rule may have named it by alias or display name). */
  field: string;
  op: Operator;
  /** The leaf's value as written, for operators that take one or two scalars. */
  value?: string | number;
  value2?: string | number;
  /** `in` / `not_in`: how many values the list holds. */
  listSize?: number;
  /** `in` / `not_in`: the list entry (as written) the row's value equals, `null` when none. */
  listMatch?: string | number | null;
  /** The row's value of the field. */
  actual: RecordValue;
  /** What the leaf evaluated to: `false` for a leaf under a `not`. */
  result: boolean;
}

/**
 * The node of a condition tree at `path` (as in {@link WitnessLeaf.path}), or undefined when the
 * tree has no such node (e.g. the rule changed since the run).
 *
 * @example
 * ```ts
 * conditionAt({ all: [a, { not: b }] }, [1, 0]); // b
 * ```
 */
export function conditionAt(when: Condition, path: readonly number[]): Condition | undefined {
  let node: Condition | undefined = when;
  for (const index of path) {
    if (node === undefined) return undefined;
    if ('all' in node) node = node.all[index];
    else if ('any' in node) node = node.any[index];
    else if ('not' in node) node = index === 0 ? node.not : undefined;
    else return undefined;
  }
  return node;
}

/**
 * One line of text for a witness leaf: `PX greater_than 100 (is 120)`, `MESSAGE_ID in a list of
 * 5000 values, matching "177…" (is "177…")`; a leaf that decided by being false (under a `not`)
 * reads `not PX less_than 10 (is 95)`.
 *
 * @example
 * ```ts
 * excluded.witness.map(describeWitnessLeaf).join(' and ');
 * ```
 */
export function describeWitnessLeaf(leaf: WitnessLeaf): string {
  const negation = leaf.result ? '' : 'not ';
  const actual = `(is ${JSON.stringify(leaf.actual)})`;
  if (leaf.listSize !== undefined) {
    const match =
      leaf.listMatch === null || leaf.listMatch === undefined
        ? 'matching none'
        : `matching ${JSON.stringify(leaf.listMatch)}`;
    return `${negation}${leaf.field} ${leaf.op} a list of ${leaf.listSize} values, ${match} ${actual}`;
  }
  const value = leaf.value === undefined ? '' : ` ${JSON.stringify(leaf.value)}`;
  const value2 = leaf.value2 === undefined ? '' : ` and ${JSON.stringify(leaf.value2)}`;
  return `${negation}${leaf.field} ${leaf.op}${value}${value2} ${actual}`;
}
