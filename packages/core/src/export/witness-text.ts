/** One leaf of a witness as stored with an excluded row (read loosely: older runs differ). */
interface StoredLeaf {
  field?: unknown;
  op?: unknown;
  value?: unknown;
  value2?: unknown;
  actual?: unknown;
  result?: unknown;
  /** An `in`/`not_in` leaf: the size of its list and the value it matched (never the list). */
  listSize?: unknown;
  listMatch?: unknown;
}

const shown = (value: unknown) =>
  typeof value === 'string' ? `"${value}"` : JSON.stringify(value);

/**
 * A witness (the leaves that decided an exclusion) in words a desk reads:
 * `SOURCE equal_to "DZ Bank" (row: "DZ Bank")`; a leaf under a `not` that decided by being false
 * starts with `not`; leaves are joined with `and`. Anything not a leaf list is shown as JSON.
 *
 * @example
 * ```ts
 * witnessText([{ field: 'PX', op: 'greater_than', value: 100, actual: 101.5, result: true }]);
 * // 'PX greater_than 100 (row: 101.5)'
 * ```
 */
export function witnessText(witness: unknown): string {
  if (!Array.isArray(witness)) return witness === undefined ? '' : JSON.stringify(witness);
  return witness
    .map((leaf: StoredLeaf) => {
      const parts = [String(leaf.field ?? '?'), String(leaf.op ?? '?')];
      if (typeof leaf.listSize === 'number')
        parts.push(
          `a list of ${leaf.listSize} values`,
          leaf.listMatch === null || leaf.listMatch === undefined
            ? 'matching none'
            : `matching ${shown(leaf.listMatch)}`,
        );
      if (leaf.value !== undefined) parts.push(shown(leaf.value));
      if (leaf.value2 !== undefined) parts.push('and', shown(leaf.value2));
      const test = `${leaf.result === false ? 'not ' : ''}${parts.join(' ')}`;
      return 'actual' in leaf ? `${test} (row: ${shown(leaf.actual ?? null)})` : test;
    })
    .join(' and ');
}
