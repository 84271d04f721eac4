import { z } from 'zod';
import { MarketPulseError } from '../errors.js';

/** How a column's cells are read and compared. `id` is exact text (never a number); `date` is a calendar date. */
export type ColumnType = 'text' | 'id' | 'integer' | 'number' | 'date';

/** The columns the product's logic depends on: their name and type cannot change. */
export const CORE_COLUMN_TYPES = {
  MESSAGE_ID: 'id',
  CUSIP: 'text',
  SECTOR: 'text',
  DATE: 'date',
  DATE_1: 'date',
  RANK: 'integer',
  BIAS: 'text',
  PX: 'number',
} as const satisfies Record<string, ColumnType>;

/** Columns the product computes, in export order. In an input they are ignored (and recomputed), with a notice. */
export const OUTPUT_ONLY_COLUMNS = [
  'RUN_ID',
  'PROCESSED_AT',
  'PROCESSING_TYPE',
  'IS_PARENT',
  'PARENT_MESSAGE_ID',
  'CHILDREN_COUNT',
  'ROW_ID',
  'PARENT_ROW_ID',
  'ORIGIN',
] as const;

const constraintsSchema = z
  .object({
    min: z.number().finite().optional(),
    max: z.number().finite().optional(),
    pattern: z
      .string()
      .refine(isValidRegExp, { message: 'pattern is not a valid regular expression' })
      .optional(),
    allowedValues: z.array(z.string().min(1)).min(1).optional(),
  })
  .strict();

/** One column of the configuration (SPEC §1.1). */
export const columnSchema = z
  .object({
    name: z
      .string()
      .regex(/^[A-Z][A-Z0-9_]*$/, 'column names are UPPER_SNAKE_CASE, e.g. COV_PRICE'),
    displayName: z.string().trim().min(1),
    type: z.enum(['text', 'id', 'integer', 'number', 'date']),
    headerRequired: z.boolean(),
    allowEmpty: z.boolean(),
    zeroMeansEmpty: z.boolean().default(false),
    constraints: constraintsSchema.optional(),
    description: z.string().default(''),
    aliases: z.array(z.string().trim().min(1)).default([]),
  })
  .strict()
  .superRefine((column, ctx) => {
    const numeric = column.type === 'number' || column.type === 'integer';
    if (column.zeroMeansEmpty && !numeric) {
      ctx.addIssue({
        code: 'custom',
        message: 'zeroMeansEmpty applies to number and integer columns only',
        path: ['zeroMeansEmpty'],
      });
    }
    const c = column.constraints;
    if (c && (c.min !== undefined || c.max !== undefined) && !numeric) {
      ctx.addIssue({
        code: 'custom',
        message: 'min/max apply to number and integer columns only',
        path: ['constraints'],
      });
    }
    if (c?.min !== undefined && c.max !== undefined && c.min > c.max) {
      ctx.addIssue({
        code: 'custom',
        message: `min ${c.min} is above max ${c.max}`,
        path: ['constraints'],
      });
    }
    if (c && (c.pattern !== undefined || c.allowedValues !== undefined) && numeric) {
      ctx.addIssue({
        code: 'custom',
        message: 'pattern/allowedValues apply to text, id and date columns only',
        path: ['constraints'],
      });
    }
  });

/** A column as written in a configuration: `zeroMeansEmpty`, `description` and `aliases` may be left out. */
export type ColumnInput = z.input<typeof columnSchema>;
/** A validated column of a {@link ColumnConfig}, defaults filled in. */
export type ColumnDef = Readonly<z.output<typeof columnSchema>>;

/**
 * Normalises a header, alias, display name or rule field for matching: case- and
 * whitespace-insensitive (`" Message  id "` → `"MESSAGEID"`).
 */
export function headerKey(text: string): string {
  return text.replace(/[\s\u00a0\u2007\u202f\ufeff]+/g, '').toUpperCase();
}

/** The column configuration: an ordered list of columns (the order of exports) plus lookups. */
export interface ColumnConfig {
  readonly columns: readonly ColumnDef[];
  /** The column a header, alias, display name or rule field names, if any. */
  resolve(nameOrAlias: string): ColumnDef | undefined;
  /** The column with exactly this name (no alias or spelling tolerance). */
  byName(name: string): ColumnDef | undefined;
}

const columnListSchema = z.array(columnSchema).min(1);

/**
 * Validates a column configuration and builds its lookups. Refuses (VALIDATION_ERROR) a
 * configuration that drops or retypes a core column, repeats a name, uses an output-only name,
 * or lets one header spelling name two columns.
 *
 * @example
 * ```ts
 * const config = defineColumns([...DEFAULT_COLUMNS, { name: 'ISIN', displayName: 'ISIN', type: 'text',
 *   headerRequired: false, allowEmpty: true }]);
 * config.resolve('isin')?.name; // 'ISIN'
 * ```
 */
export function defineColumns(input: readonly ColumnInput[]): ColumnConfig {
  const parsed = columnListSchema.safeParse(input);
  if (!parsed.success) {
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `invalid column configuration: ${z.prettifyError(parsed.error)}`,
      {
        details: { issues: parsed.error.issues },
      },
    );
  }
  const columns = parsed.data.map(
    (c) => Object.freeze({ ...c, aliases: Object.freeze([...c.aliases]) }) as ColumnDef,
  );
  const problems: string[] = [];
  const byName = new Map<string, ColumnDef>();
  const byKey = new Map<string, ColumnDef>();
  for (const column of columns) {
    if (byName.has(column.name)) problems.push(`column ${column.name} is defined twice`);
    byName.set(column.name, column);
    if ((OUTPUT_ONLY_COLUMNS as readonly string[]).includes(column.name)) {
      problems.push(
        `${column.name} is an output column computed by Market Pulse; it cannot be configured`,
      );
    }
  }
  for (const [name, type] of Object.entries(CORE_COLUMN_TYPES)) {
    const column = byName.get(name);
    if (!column) problems.push(`core column ${name} is missing`);
    else if (column.type !== type)
      problems.push(`core column ${name} must keep type ${type} (got ${column.type})`);
  }
  for (const column of columns) {
    for (const spelling of new Set(
      [column.name, column.displayName, ...column.aliases].map(headerKey),
    )) {
      const other = byKey.get(spelling);
      if (other && other !== column) {
        problems.push(
          `header spelling "${spelling}" would name both ${other.name} and ${column.name}`,
        );
      }
      byKey.set(spelling, column);
    }
  }
  if (problems.length > 0) {
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `invalid column configuration: ${problems.join('; ')}`,
      {
        details: { problems },
      },
    );
  }
  return Object.freeze({
    columns: Object.freeze(columns),
    resolve: (nameOrAlias: string) => byKey.get(headerKey(nameOrAlias)),
    byName: (name: string) => byName.get(name),
  });
}

function isValidRegExp(source: string): boolean {
  try {
    new RegExp(source);
    return true;
  } catch {
    return false;
  }
}
