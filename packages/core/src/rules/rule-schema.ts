import { z } from 'zod';

/** A leaf condition: `field` names a column (name, alias or display name). */
export interface LeafCondition {
  field: string;
  op: string;
  value?: unknown;
  value2?: unknown;
}

/** The condition tree of a rule or a preset (SPEC §3). */
export type Condition =
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition }
  | LeafCondition;

const leafSchema = z
  .object({
    field: z.string().trim().min(1, 'field is required'),
    op: z.string().trim().min(1, 'op is required'),
    value: z.unknown().optional(),
    value2: z.unknown().optional(),
  })
  .strict();

/** zod schema of a condition tree; empty groups are refused. */
export const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    z
      .object({
        all: z.array(conditionSchema).min(1, 'an "all" group needs at least one condition'),
      })
      .strict(),
    z
      .object({
        any: z.array(conditionSchema).min(1, 'an "any" group needs at least one condition'),
      })
      .strict(),
    z.object({ not: conditionSchema }).strict(),
    leafSchema,
  ]),
);

/** An exclusion rule document (SPEC §3). */
export const ruleSchema = z
  .object({
    id: z.string().trim().min(1),
    name: z.string().trim().min(1, 'a rule needs a name'),
    active: z.boolean(),
    priority: z.number().int().default(100),
    when: conditionSchema,
    description: z.string().optional(),
    createdAt: z.iso.datetime({ offset: true }).optional(),
    updatedAt: z.iso.datetime({ offset: true }).optional(),
    /** Who added the rule to this store (absent in rules stored before actors were recorded). */
    createdBy: z.string().optional(),
    /** Who changed the rule last (absent likewise). */
    updatedBy: z.string().optional(),
    version: z.number().int().nonnegative().optional(),
  })
  .strict();

/** A rule document as written: `priority` may be left out (default 100). */
export type RuleInput = z.input<typeof ruleSchema>;
/** A validated rule document (SPEC §3). */
export type Rule = z.output<typeof ruleSchema>;

/** One condition of the first implementation's left-to-right form. */
export type LegacyCondition =
  | {
      type: 'where' | 'and' | 'or';
      column: string;
      operator: string;
      value?: unknown;
      value2?: unknown;
    }
  | { type: 'subgroup'; join?: 'and' | 'or'; conditions: LegacyCondition[] };

const legacyLeafSchema = z.object({
  type: z
    .string()
    .trim()
    .toLowerCase()
    .pipe(z.enum(['where', 'and', 'or']))
    .default('where'),
  column: z.string().trim().min(1, 'column is required'),
  operator: z.string().trim().min(1, 'operator is required'),
  value: z.unknown().optional(),
  value2: z.unknown().optional(),
});

const joinSchema = z
  .string()
  .trim()
  .toLowerCase()
  .pipe(z.enum(['and', 'or']));

export const legacyConditionSchema: z.ZodType<LegacyCondition, unknown> = z.lazy(() =>
  z.union([
    z
      .object({
        type: z.literal('subgroup'),
        join: joinSchema.optional(),
        logic: joinSchema.optional(),
        connector: joinSchema.optional(),
        conditions: z
          .array(legacyConditionSchema)
          .min(1, 'a subgroup needs at least one condition'),
      })
      .transform(({ join, logic, connector, conditions }) => ({
        type: 'subgroup' as const,
        join: join ?? logic ?? connector ?? 'and',
        conditions,
      })),
    legacyLeafSchema,
  ]),
) as z.ZodType<LegacyCondition, unknown>;

/** A rule as the first implementation stored it. */
export const legacyRuleSchema = z.object({
  id: z.union([z.string().trim().min(1), z.number().int()]).optional(),
  name: z.string().trim().min(1, 'a rule needs a name'),
  is_active: z.boolean().optional(),
  active: z.boolean().optional(),
  priority: z.number().int().optional(),
  conditions: z.array(legacyConditionSchema).min(1, 'a rule needs at least one condition'),
  created_at: z.string().optional(),
  updated_at: z.string().optional(),
});

/** A legacy rule, read by {@link legacyRuleSchema}; {@link convertLegacyRule} turns it into a {@link Rule}. */
export type LegacyRule = z.output<typeof legacyRuleSchema>;
