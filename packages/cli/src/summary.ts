import type { RunRecord } from '@market-pulse/core';
import { plural } from './words.js';

/** `No DZ Bank 12, Old quotes 3`: excluded rows per rule, by the rule's name (its id if unknown). */
export function byRuleName(
  counts: Record<string, number>,
  names: Readonly<Record<string, string>>,
) {
  return Object.entries(counts)
    .filter(([, n]) => n > 0)
    .map(([id, n]) => `${names[id] ?? id} ${n}`)
    .join(', ');
}

/** A run record as a few lines for people; rules by name (`names`: id → name). */
export function describeRun(
  record: RunRecord,
  extra: string[] = [],
  names: Readonly<Record<string, string>> = record.ruleNames ?? {},
): string {
  const c = record.counts;
  const lines = [
    `run ${record.id} ${record.status === 'success' ? 'succeeded' : 'FAILED'} (${record.trigger}${record.jobId ? ` of job ${record.jobId}` : ''}, business date ${record.businessDate}, ${record.durationMs} ms)`,
  ];
  if (record.error) lines.push(`  reason: ${record.error.message}`);
  if (record.status === 'success') {
    lines.push(
      `  rows in: ${c.input} (${Object.entries(c.inputByOrigin)
        .map(([o, n]) => `${o} ${n}`)
        .join(', ')}), invalid: ${c.invalid}`,
    );
    const rules = byRuleName(c.excludedByRule, names);
    lines.push(`  excluded: ${c.excluded}${rules ? ` (${rules})` : ''}`);
    lines.push(
      `  output: ${plural(c.output, 'row')} — ${plural(c.parents, 'parent')}, ${plural(c.children, 'child', 'children')}`,
    );
    if (record.uploadsConsumed.length)
      lines.push(`  uploads consumed: ${record.uploadsConsumed.join(', ')}`);
  }
  for (const w of record.warnings) lines.push(`  warning: ${w}`);
  return [...lines, ...extra].join('\n');
}
