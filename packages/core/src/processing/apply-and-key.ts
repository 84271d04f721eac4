import type { ColorRecord } from '../parse/record.js';
import { createRankKeys, type RankKeys } from '../rank/rank-keys.js';
import type { CompiledRules } from '../rules/compile-rules.js';
import type { RunInput } from './run-input.js';

/** The outcome of {@link applyAndKey}: kept rows with their rank keys, excluded rows by index. */
export interface AppliedAndKeyed {
  /** Rows of every input together. */
  inputRows: number;
  /** Rows no rule matched, in input order; `keys` holds their rank keys at the same positions. */
  kept: ColorRecord[];
  keys: RankKeys;
  /** `keptUnion[k]`: position of `kept[k]` in the union of the inputs. */
  keptUnion: Int32Array;
  excludedCount: number;
  /** `excludedUnion[n]`: position in the union of excluded row `n` (input order). */
  excludedUnion: Int32Array;
  /** `excludedRule[n]`: the rule credited, as an index in the rules' `inUse`. */
  excludedRule: Int32Array;
  /** Rows excluded per rule in use. */
  countsByRule: Int32Array;
  /** The input a union position belongs to. */
  inputAt(unionIndex: number): RunInput;
  /** The record at a union position. */
  recordAt(unionIndex: number): ColorRecord;
}

/**
 * One pass over the union of the inputs (source, uploads, sessions, in the caller's order): each
 * row is tested against the rules and, when kept, its rank keys are taken while it is in cache —
 * one read of a million records instead of three (copy into a union, rules, ranking), and no
 * per-row allocation (an excluded row is two integers; its witness is built when it is read).
 * Decides exactly what `rules.apply` followed by `rankOrder` decide.
 */
export function applyAndKey(
  inputs: readonly RunInput[],
  rules: CompiledRules,
  dateField: 'DATE_1' | 'DATE',
): AppliedAndKeyed {
  let total = 0;
  const offsets = new Int32Array(inputs.length + 1);
  inputs.forEach((input, i) => {
    total += input.records.length;
    offsets[i + 1] = total;
  });
  const keys = createRankKeys(total, dateField);
  const kept: ColorRecord[] = [];
  const keptUnion = new Int32Array(total);
  const excludedUnion = new Int32Array(total);
  const excludedRule = new Int32Array(total);
  const countsByRule = new Int32Array(rules.inUse.length);
  let excludedCount = 0;
  let union = 0;
  for (const input of inputs) {
    const records = input.records;
    for (let i = 0; i < records.length; i++, union++) {
      const row = records[i] as ColorRecord;
      const hit = rules.matchIndex(row);
      if (hit < 0) {
        keptUnion[kept.length] = union;
        kept.push(row);
        keys.add(row);
      } else {
        excludedUnion[excludedCount] = union;
        excludedRule[excludedCount] = hit;
        excludedCount++;
        countsByRule[hit] = (countsByRule[hit] as number) + 1;
      }
    }
  }
  /** Index of the input holding a union position: a binary search over the inputs' offsets. */
  const inputIndexOf = (unionIndex: number): number => {
    let low = 0;
    let high = inputs.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if ((offsets[mid] as number) <= unionIndex) low = mid;
      else high = mid - 1;
    }
    return low;
  };
  return {
    inputRows: total,
    kept,
    keys,
    keptUnion: keptUnion.subarray(0, kept.length),
    excludedCount,
    excludedUnion: excludedUnion.subarray(0, excludedCount),
    excludedRule: excludedRule.subarray(0, excludedCount),
    countsByRule,
    inputAt: (unionIndex) => inputs[inputIndexOf(unionIndex)] as RunInput,
    recordAt: (unionIndex) => {
      const i = inputIndexOf(unionIndex);
      return (inputs[i] as RunInput).records[unionIndex - (offsets[i] as number)] as ColorRecord;
    },
  };
}
