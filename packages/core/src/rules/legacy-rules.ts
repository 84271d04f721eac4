import { z } from 'zod';
import { checkConditionLimits } from './rule-limits.js';
import type { Condition, LegacyCondition, Rule } from './rule-schema.js';
import { legacyRuleSchema, ruleSchema } from './rule-schema.js';

/** A converted rule with notes on what the conversion changed, or why it could not be converted. */
export type LegacyConversion =
  | { ok: true; rule: Rule; messages: string[] }
  | { ok: false; reason: string };

/**
 * Folds the first implementation's condition list strictly left to right, as it did:
 * `A or B and C` is `(A or B) and C`; a later `where` starts over (what came before is dropped,
 * with a message); a `subgroup` folds its own list the same way and joins with its `join`.
 */
export function foldLegacyConditions(
  conditions: readonly LegacyCondition[],
  messages: string[] = [],
): Condition {
  let acc: Condition | undefined;
  conditions.forEach((c, i) => {
    const node: Condition =
      c.type === 'subgroup'
        ? foldLegacyConditions(c.conditions, messages)
        : {
            field: c.column,
            op: c.operator,
            ...withValue('value', c.value),
            ...withValue('value2', c.value2),
          };
    const join = c.type === 'subgroup' ? (c.join ?? 'and') : c.type;
    if (acc === undefined) acc = node;
    else if (join === 'where') {
      messages.push(
        `condition ${i + 1} is a "where" after other conditions: as in the original, it starts the expression over and the ${i} condition(s) before it no longer apply`,
      );
      acc = node;
    } else if (join === 'and')
      acc = 'all' in acc ? { all: [...acc.all, node] } : { all: [acc, node] };
    else acc = 'any' in acc ? { any: [...acc.any, node] } : { any: [acc, node] };
  });
  if (acc === undefined) throw new Error('foldLegacyConditions needs at least one condition');
  return acc;
}

function withValue(key: 'value' | 'value2', value: unknown): Record<string, unknown> {
  return value === undefined || value === null || value === '' ? {} : { [key]: value };
}

/** Converts a legacy rule (`is_active`, `conditions`, `created_at`) to a rule document. */
export function convertLegacyRule(doc: unknown, options: { fallbackId: string }): LegacyConversion {
  // Before the schema, which walks subgroups recursively (a deep file would overflow the stack).
  const conditions =
    typeof doc === 'object' && doc !== null
      ? { conditions: (doc as { conditions?: unknown }).conditions }
      : undefined;
  const limits = checkConditionLimits(conditions, '').problems;
  if (limits.length > 0)
    return { ok: false, reason: limits.map((p) => `${p.path}: ${p.reason}`).join('; ') };
  const parsed = legacyRuleSchema.safeParse(doc);
  if (!parsed.success)
    return { ok: false, reason: `not a valid legacy rule: ${z.prettifyError(parsed.error)}` };
  const legacy = parsed.data;
  const messages: string[] = [];
  const when = foldLegacyConditions(legacy.conditions, messages);
  const candidate = {
    id: legacy.id === undefined ? options.fallbackId : String(legacy.id),
    name: legacy.name,
    active: legacy.active ?? legacy.is_active ?? true,
    priority: legacy.priority ?? 100,
    when,
    ...timestamp('createdAt', legacy.created_at, messages),
    ...timestamp('updatedAt', legacy.updated_at, messages),
  };
  const rule = ruleSchema.safeParse(candidate);
  if (!rule.success) return { ok: false, reason: z.prettifyError(rule.error) };
  return { ok: true, rule: rule.data, messages };
}

// The original wrote local timestamps without an offset; read as UTC so the result never depends on the host zone.
function timestamp(
  key: 'createdAt' | 'updatedAt',
  value: string | undefined,
  messages: string[],
): Record<string, string> {
  if (value === undefined) return {};
  const withOffset = /(?:Z|[+-]\d{2}:?\d{2})$/i.test(value) ? value : `${value}Z`;
  if (Number.isNaN(Date.parse(withOffset)) || !/^\d{4}-\d{2}-\d{2}T/.test(withOffset)) {
    messages.push(`${key} "${value}" is not a timestamp and was dropped`);
    return {};
  }
  if (withOffset !== value) messages.push(`${key} "${value}" has no time zone; read as UTC`);
  return { [key]: new Date(withOffset).toISOString() };
}
