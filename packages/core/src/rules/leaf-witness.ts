import type { RecordValue } from '../parse/record.js';
import type { Operand } from './leaf-operands.js';
import type { OperatorInfo } from './operators.js';
import type { LeafCondition } from './rule-schema.js';
import type { KeyOf, ValueKey } from './value-keys.js';
import type { WitnessLeaf } from './witness.js';

/** Makes a leaf's witness entry from the row's value and the leaf's result. */
export type LeafWitness = (actual: RecordValue, result: boolean) => WitnessLeaf;

/**
 * The witness entries of one leaf (SPEC §3): one object literal per operator arity, so that V8
 * builds every entry of a leaf with the same shape (a spread of optional fields was ~2× slower on
 * 270,000 excluded rows). A list leaf records its size and the entry the row's value equals, as
 * written — never the list.
 */
export function leafWitness(
  leaf: LeafCondition,
  info: OperatorInfo,
  field: string,
  at: readonly number[],
  operands: readonly Operand[],
  keyOf: KeyOf,
): LeafWitness {
  const path = Object.freeze([...at]);
  const op = info.op;
  switch (info.arity) {
    case 'none':
      return (actual, result) => ({ path, field, op, actual, result });
    case 'one': {
      const value = leaf.value as string | number;
      return (actual, result) => ({ path, field, op, value, actual, result });
    }
    case 'two': {
      const value = leaf.value as string | number;
      const value2 = leaf.value2 as string | number;
      return (actual, result) => ({ path, field, op, value, value2, actual, result });
    }
    case 'list': {
      const listSize = operands.length;
      const written = writtenEntries(leaf.value as (string | number)[], operands);
      return (actual, result) => {
        const key = keyOf(actual);
        const listMatch = key === undefined ? null : (written.get(key) ?? null);
        return { path, field, op, listSize, listMatch, actual, result };
      };
    }
  }
}

/** The list entry as written for each operand key (the first, when two entries normalise alike). */
function writtenEntries(
  list: readonly (string | number)[],
  operands: readonly Operand[],
): Map<ValueKey, string | number> {
  const written = new Map<ValueKey, string | number>();
  operands.forEach((o, i) => {
    if (!written.has(o)) written.set(o, list[i] as string | number);
  });
  return written;
}
