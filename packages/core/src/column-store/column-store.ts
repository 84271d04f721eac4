import { z } from 'zod';
import type { VersionedChange } from '../changes/change-context.js';
import {
  CORE_COLUMN_TYPES,
  type ColumnConfig,
  type ColumnInput,
  defineColumns,
} from '../columns/column-config.js';
import { DEFAULT_COLUMNS, defaultColumnConfig } from '../columns/default-columns.js';
import { MarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import { validateRules } from '../rules/compile-rules.js';
import { readDocument, updateDocument } from '../store/json-document.js';
import { COLUMN_CONFIG, RULES_DOCUMENT } from '../store/layout.js';

const columnDocumentSchema = z.object({
  columns: z.array(z.unknown()),
  version: z.number().int().min(1),
  updatedAt: z.string(),
  updatedBy: z.string(),
});
const rulesDocumentSchema = z.object({ rules: z.array(z.unknown()) });

/** The column configuration as stored: the columns, their version and who changed them last. */
export interface ColumnDocument {
  config: ColumnConfig;
  /** 0 while the store has no document (the defaults are in use); 1, 2, … once saved. */
  version: number;
  /** Whether these are the default columns (never saved, or reset). */
  isDefault: boolean;
  updatedAt: string | null;
  updatedBy: string | null;
}

/** What changing the columns needs: the store and a clock. */
export interface ColumnStoreDependencies {
  store: ObjectStore;
  clock: Clock;
}

/** Who changes the columns, and the version they read (a stale one is refused: CONFLICT). */
export type ColumnChange = VersionedChange;

/** The stored column configuration, or the defaults (version 0) in a store without one. */
export async function readColumnDocument(store: ObjectStore): Promise<ColumnDocument> {
  const doc = await readDocument(store, COLUMN_CONFIG, columnDocumentSchema);
  if (!doc)
    return {
      config: defaultColumnConfig,
      version: 0,
      isDefault: true,
      updatedAt: null,
      updatedBy: null,
    };
  const config = defineColumns(doc.value.columns as ColumnInput[]);
  return {
    config,
    version: doc.value.version,
    isDefault: sameColumns(config, defaultColumnConfig),
    updatedAt: doc.value.updatedAt,
    updatedBy: doc.value.updatedBy,
  };
}

/** The column configuration every reader uses: the parser, rules, exports, the dashboard. */
export async function readColumnConfig(store: ObjectStore): Promise<ColumnConfig> {
  return (await readColumnDocument(store)).config;
}

/**
 * Saves a new column configuration (SPEC §1.1) after checking it: the core columns keep their
 * name and type, names and header spellings are unique (VALIDATION_ERROR); every stored rule must
 * still compile against it, or the change is refused (CONFLICT) naming the rules it would break.
 * With `expectedVersion`, a configuration changed since it was read is refused (CONFLICT).
 *
 * @example
 * ```ts
 * await saveColumnConfig({ store, clock }, [...DEFAULT_COLUMNS, isin], { actor: 'ops', expectedVersion: 0 });
 * ```
 */
export async function saveColumnConfig(
  deps: ColumnStoreDependencies,
  columns: readonly ColumnInput[],
  change: ColumnChange,
): Promise<ColumnDocument> {
  const config = defineColumns(columns);
  const fixed = coreColumnChanges(config);
  if (fixed.length > 0)
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `invalid column configuration: ${fixed.join('; ')} (a core column's display name, aliases and description may change, nothing else)`,
      { details: { problems: fixed } },
    );
  const broken = await rulesBrokenBy(deps.store, config);
  if (broken.length > 0)
    throw new MarketPulseError(
      'CONFLICT',
      `the change would break ${broken.length === 1 ? 'rule' : 'rules'} ${broken
        .map((r) => `"${r.name}" (${r.id}${r.active ? ', active' : ', inactive'})`)
        .join(', ')}: change or delete ${broken.length === 1 ? 'it' : 'them'} first — ${broken
        .map((r) => r.reason)
        .join('; ')}`,
      { details: { rules: broken } },
    );
  const updatedAt = deps.clock.now().toISOString();
  let version = 0;
  await updateDocument(deps.store, COLUMN_CONFIG, columnDocumentSchema, (current) => {
    const currentVersion = current?.version ?? 0;
    if (change.expectedVersion !== undefined && change.expectedVersion !== currentVersion)
      throw new MarketPulseError(
        'CONFLICT',
        `the column configuration is at version ${currentVersion}, not ${change.expectedVersion}: it changed since you read it; reload and retry`,
        { details: { version: currentVersion, expectedVersion: change.expectedVersion } },
      );
    version = currentVersion + 1;
    return {
      columns: config.columns.map((c) => ({ ...c, aliases: [...c.aliases] })),
      version,
      updatedAt,
      updatedBy: change.actor,
    };
  });
  return {
    config,
    version,
    isDefault: sameColumns(config, defaultColumnConfig),
    updatedAt,
    updatedBy: change.actor,
  };
}

/** Puts the default columns back (SPEC §1.1), as a new version; refused like any change that breaks rules. */
export function resetColumnConfig(
  deps: ColumnStoreDependencies,
  change: ColumnChange,
): Promise<ColumnDocument> {
  return saveColumnConfig(deps, DEFAULT_COLUMNS, change);
}

/** What a configuration changes on a core column besides its display name, aliases and description. */
function coreColumnChanges(config: ColumnConfig): string[] {
  const problems: string[] = [];
  for (const name of Object.keys(CORE_COLUMN_TYPES)) {
    const before = defaultColumnConfig.byName(name);
    const after = config.byName(name);
    if (!before || !after) continue; // a missing core column is defineColumns' refusal
    for (const key of ['headerRequired', 'allowEmpty', 'zeroMeansEmpty', 'constraints'] as const)
      if (JSON.stringify(before[key]) !== JSON.stringify(after[key]))
        problems.push(
          `core column ${name} must keep ${key} ${JSON.stringify(before[key] ?? null)}`,
        );
  }
  return problems;
}

/**
 * The rules a column configuration would break, each with why; empty when every stored rule
 * compiles against it. Checked for every rule, active or not: the rule store validates all of
 * them on every read, so one broken rule would make the rules unreadable.
 */
export async function rulesBrokenBy(
  store: ObjectStore,
  config: ColumnConfig,
): Promise<{ id: string; name: string; active: boolean; reason: string }[]> {
  const doc = await readDocument(store, RULES_DOCUMENT, rulesDocumentSchema);
  const broken: { id: string; name: string; active: boolean; reason: string }[] = [];
  for (const rule of doc?.value.rules ?? []) {
    try {
      validateRules([rule], { columns: config });
    } catch (err) {
      const r = rule as { id?: unknown; name?: unknown; active?: unknown };
      broken.push({
        id: String(r.id),
        name: String(r.name),
        active: r.active !== false,
        reason: err instanceof Error ? err.message : String(err),
      });
    }
  }
  return broken;
}

function sameColumns(a: ColumnConfig, b: ColumnConfig): boolean {
  return JSON.stringify(a.columns) === JSON.stringify(b.columns);
}
