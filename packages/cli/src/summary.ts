import type { RunRecord } from '@market-pulse/core';

/** A run record as a few lines for people. */
export function describeRun(
  record: RunRecord,
  extra: string[] = [],
  ruleNames: ReadonlyMap<string, string> = new Map(),
): string {
  const c = record.counts;
  const lines = [
    `run ${record.id} ${record.status === 'success' ? 'succeeded' : 'FAILED'} (${record.trigger}, business date ${record.businessDate}, ${record.durationMs} ms)`,
  ];
  if (record.error) lines.push(`  reason: ${record.error.message}`);
  if (record.status === 'success') {
    lines.push(
      `  rows in: ${c.input} (${Object.entries(c.inputByOrigin)
        .map(([o, n]) => `${o} ${n}`)
        .join(', ')}), invalid: ${c.invalid}`,
    );
    const rules = Object.entries(c.excludedByRule).filter(([, n]) => n > 0);
    lines.push(
      `  excluded: ${c.excluded}${rules.length ? ` (${rules.map(([id, n]) => `${ruleNames.get(id) ?? id} ${n}`).join(', ')})` : ''}`,
    );
    lines.push(`  output: ${c.output} rows — ${c.parents} parents, ${c.children} children`);
    if (record.uploadsConsumed.length)
      lines.push(`  uploads consumed: ${record.uploadsConsumed.join(', ')}`);
  }
  for (const w of record.warnings) lines.push(`  warning: ${w}`);
  return [...lines, ...extra].join('\n');
}
