// Which columns each CLO type sees (SPEC §10): a two-level hierarchy of types (main types and their
// subtypes), one versioned document edited by admins. A subtype without columns of its own
// inherits its main type's; reset returns a type (or the whole document) to the default.
import { z } from 'zod';
import { type ColumnConfig, OUTPUT_ONLY_COLUMNS } from '../columns/column-config.js';
import { defaultColumnConfig } from '../columns/default-columns.js';
import { MarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import { readDocument, updateDocument } from '../store/json-document.js';
import { CLO_MAPPINGS_DOCUMENT } from '../store/layout.js';

/** Every column, pass-through columns included. */
export const ALL_COLUMNS = '*';

/**
 * Columns every reader sees whatever their CLO: the grouping key, the row's own SECTOR (rows are
 * scoped by it, so it reveals nothing) and the fields that make a CUSIP's hierarchy readable
 * (which run, which row is the parent, which rows are its children).
 */
export const ALWAYS_VISIBLE_COLUMNS = [
  'CUSIP',
  'SECTOR',
  'RUN_ID',
  'ROW_ID',
  'IS_PARENT',
  'PARENT_ROW_ID',
  'CHILDREN_COUNT',
] as const;

const typeName = z
  .string()
  .trim()
  .regex(/^[A-Za-z0-9_-]{1,100}$/, 'letters, digits, _ and - (at most 100)')
  .transform((name) => name.toUpperCase());

const columnList = z.union([
  z.literal(ALL_COLUMNS),
  z.array(z.string().trim().min(1).max(200)).max(1000),
]);

/** One CLO type: a main type has columns; a subtype names its main type and may override them. */
export const cloTypeSchema = z.object({
  /** The main type of a subtype (absent on a main type). */
  parent: typeName.optional(),
  /** The columns seen: `*` for every column, else canonical names; a subtype without inherits. */
  columns: columnList.optional(),
});
/** One CLO type. */
export type CloType = z.infer<typeof cloTypeSchema>;

/** The stored CLO mappings. */
export const cloMappingsSchema = z.object({
  /** The columns of a user without a CLO type. */
  defaultColumns: columnList,
  /** The types by name (upper case). */
  types: z.record(typeName, cloTypeSchema),
  /** The document's version: 0 for the defaults never stored, then one more per change. */
  version: z.number().int().min(0),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
});
/** The CLO mappings as stored. */
export type CloMappings = z.infer<typeof cloMappingsSchema>;
/** What an admin sends to {@link replaceCloMappings} (the version and last change are the store's). */
export const cloMappingsInputSchema = z.strictObject({
  defaultColumns: columnList,
  types: z.record(typeName, cloTypeSchema.strict()),
});
/** The input of {@link replaceCloMappings}. */
export type CloMappingsInput = z.input<typeof cloMappingsInputSchema>;

/**
 * The defaults: the three main types of the first implementation (EURO_ABS, CLO, USABS), each
 * seeing every column, no subtypes, and every column for a user without a CLO — so nobody loses a
 * column until an admin narrows a type. (The first implementation's column lists were not kept in
 * the planning notes.)
 */
export const DEFAULT_CLO_MAPPINGS: CloMappings = Object.freeze({
  defaultColumns: ALL_COLUMNS,
  types: Object.freeze({
    EURO_ABS: Object.freeze({ columns: ALL_COLUMNS }),
    CLO: Object.freeze({ columns: ALL_COLUMNS }),
    USABS: Object.freeze({ columns: ALL_COLUMNS }),
  }),
  version: 0,
}) as CloMappings;

/** The column names a mapping may name: the output columns and the configured input columns. */
export function mappableColumns(config: ColumnConfig = defaultColumnConfig): string[] {
  return [...OUTPUT_ONLY_COLUMNS, ...config.columns.map((c) => c.name)];
}

/** The problems of a set of mappings, each saying what to fix (none: valid). */
export function cloMappingsProblems(
  mappings: Pick<CloMappings, 'defaultColumns' | 'types'>,
  config: ColumnConfig = defaultColumnConfig,
): string[] {
  const known = new Set(mappableColumns(config));
  const problems: string[] = [];
  const checkColumns = (where: string, columns: CloType['columns']) => {
    if (columns === undefined || columns === ALL_COLUMNS) return;
    const unknown = columns.filter((c) => !known.has(c.toUpperCase()));
    if (unknown.length > 0)
      problems.push(
        `${where}: unknown column${unknown.length > 1 ? 's' : ''} ${unknown.join(', ')} (the columns are ${[...known].join(', ')})`,
      );
  };
  checkColumns('defaultColumns', mappings.defaultColumns);
  for (const [name, type] of Object.entries(mappings.types)) {
    checkColumns(name, type.columns);
    if (type.parent === undefined) {
      if (type.columns === undefined)
        problems.push(`${name}: a main type needs its columns (or give it a parent)`);
      continue;
    }
    const parent = mappings.types[type.parent];
    if (!parent) problems.push(`${name}: its parent ${type.parent} is not a type`);
    else if (parent.parent !== undefined)
      problems.push(
        `${name}: its parent ${type.parent} is itself a subtype (types have one level of subtypes)`,
      );
  }
  return problems;
}

/**
 * The columns a CLO type sees: its own, else (a subtype) its main type's; `null` for a type that
 * does not exist. A user without a CLO (`clo` null) gets `defaultColumns`.
 */
export function columnsOfClo(
  mappings: Pick<CloMappings, 'defaultColumns' | 'types'>,
  clo: string | null,
): CloType['columns'] | null {
  if (clo === null) return mappings.defaultColumns;
  const type = mappings.types[clo.trim().toUpperCase()];
  if (!type) return null;
  if (type.columns !== undefined) return type.columns;
  return type.parent === undefined ? null : (mappings.types[type.parent]?.columns ?? null);
}

/** The CLO mappings as stored, or the defaults (version 0) before an admin changes them. */
export async function readCloMappings(store: ObjectStore): Promise<CloMappings> {
  return (
    (await readDocument(store, CLO_MAPPINGS_DOCUMENT, cloMappingsSchema))?.value ??
    DEFAULT_CLO_MAPPINGS
  );
}

function invalid(problems: string[]): MarketPulseError {
  return new MarketPulseError('VALIDATION_ERROR', `invalid CLO mappings: ${problems.join('; ')}`, {
    details: { problems },
  });
}

/** Writes `next(current)` with the version check and the next version; CONFLICT when stale. */
async function writeMappings(
  deps: { store: ObjectStore; clock: Clock },
  actor: string,
  expectedVersion: number | undefined,
  next: (current: CloMappings) => Pick<CloMappings, 'defaultColumns' | 'types'>,
): Promise<CloMappings> {
  const updatedAt = deps.clock.now().toISOString();
  const outcome = await updateDocument(
    deps.store,
    CLO_MAPPINGS_DOCUMENT,
    cloMappingsSchema,
    (stored) => {
      const current = stored ?? DEFAULT_CLO_MAPPINGS;
      if (expectedVersion !== undefined && current.version !== expectedVersion)
        throw new MarketPulseError(
          'CONFLICT',
          `the CLO mappings are at version ${current.version}, not ${expectedVersion}: they changed since you read them; reload and retry`,
          { details: { version: current.version, expectedVersion } },
        );
      const { defaultColumns, types } = next(current);
      return { defaultColumns, types, version: current.version + 1, updatedAt, updatedBy: actor };
    },
  );
  return outcome.value as CloMappings;
}

/** Column names as stored: canonical (upper case), each once. */
const canonical = (columns: CloType['columns']) =>
  columns === undefined || columns === ALL_COLUMNS
    ? columns
    : [...new Set(columns.map((c) => c.trim().toUpperCase()))];

/**
 * Replaces the CLO mappings (admins). Refuses (VALIDATION_ERROR) unknown columns, naming them, and
 * a hierarchy that is not main types with one level of subtypes; with `expectedVersion`, refuses
 * (CONFLICT) mappings changed since they were read.
 *
 * @example
 * ```ts
 * await replaceCloMappings(deps, {
 *   defaultColumns: ['CUSIP', 'PX'],
 *   types: { CLO: { columns: '*' }, CLO_MEZZ: { parent: 'CLO' } },
 * }, 'user:admin@desk.example');
 * ```
 */
export async function replaceCloMappings(
  deps: { store: ObjectStore; clock: Clock; config?: ColumnConfig },
  input: unknown,
  actor: string,
  expectedVersion?: number,
): Promise<CloMappings> {
  const parsed = cloMappingsInputSchema.safeParse(input);
  if (!parsed.success)
    throw invalid(
      parsed.error.issues.map((i) => `${i.path.join('.') || 'the document'}: ${i.message}`),
    );
  const mappings = {
    defaultColumns: canonical(parsed.data.defaultColumns) as CloMappings['defaultColumns'],
    types: Object.fromEntries(
      Object.entries(parsed.data.types).map(([name, type]) => [
        name,
        {
          ...(type.parent !== undefined ? { parent: type.parent } : {}),
          ...(type.columns !== undefined ? { columns: canonical(type.columns) } : {}),
        },
      ]),
    ),
  };
  const problems = cloMappingsProblems(mappings, deps.config);
  if (problems.length > 0) throw invalid(problems);
  return writeMappings(deps, actor, expectedVersion, () => mappings);
}

/**
 * Resets to the default: one type (a subtype then inherits its main type again; a default main
 * type gets its default columns back; any other main type keeps its columns), or, without `type`,
 * the whole document. NOT_FOUND for a type that does not exist.
 */
export async function resetCloMappings(
  deps: { store: ObjectStore; clock: Clock },
  actor: string,
  options: { type?: string; expectedVersion?: number } = {},
): Promise<CloMappings> {
  if (options.type === undefined)
    return writeMappings(deps, actor, options.expectedVersion, () => DEFAULT_CLO_MAPPINGS);
  const name = options.type.trim().toUpperCase();
  return writeMappings(deps, actor, options.expectedVersion, (current) => {
    const type = current.types[name];
    if (!type)
      throw new MarketPulseError('NOT_FOUND', `no CLO type ${name}`, {
        details: { type: name, types: Object.keys(current.types) },
      });
    const fallback = DEFAULT_CLO_MAPPINGS.types[name];
    const reset: CloType =
      type.parent !== undefined
        ? { parent: type.parent }
        : fallback && fallback.parent === undefined
          ? { columns: fallback.columns }
          : type;
    return { defaultColumns: current.defaultColumns, types: { ...current.types, [name]: reset } };
  });
}
