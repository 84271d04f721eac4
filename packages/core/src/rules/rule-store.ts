import { z } from 'zod';
import type { ChangeContext, VersionedChange } from '../changes/change-context.js';
import { readColumnConfig } from '../column-store/column-store.js';
import type { ColumnConfig } from '../columns/column-config.js';
import { MarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { IdSource } from '../ports/id-source.js';
import type { ObjectStore } from '../ports/object-store.js';
import { readDocument, updateDocument } from '../store/json-document.js';
import { RULES_DOCUMENT } from '../store/layout.js';
import { validateRules } from './compile-rules.js';
import { importRules, type RuleImport } from './import-rules.js';
import type { Rule, RuleInput } from './rule-schema.js';

// Rules are one document, so every change is checked against the whole set (unique names) and
// written by compare-and-swap; each rule carries its own version for optimistic updates.
const rulesDocumentSchema = z.object({ rules: z.array(z.unknown()) });

/** What changing the rules needs: the store, a clock and ids; `columns` when not the default. */
export interface RuleStoreDependencies {
  store: ObjectStore;
  clock: Clock;
  ids: IdSource;
  /** The column configuration rules are validated against (default: the store's, see `readColumnConfig`). */
  columns?: ColumnConfig;
}

/** What a caller may set on a rule; id, version, timestamps and actors are the store's. */
export type RuleFields = Omit<
  RuleInput,
  'id' | 'version' | 'createdAt' | 'updatedAt' | 'createdBy' | 'updatedBy'
>;

/** A rule's fields without what the store sets (a stored rule given back as fields). */
function callerFields(rule: RuleFields | Rule): RuleFields {
  const {
    id: _i,
    version: _v,
    createdAt: _ca,
    updatedAt: _ua,
    createdBy: _cb,
    updatedBy: _ub,
    ...fields
  } = rule as Rule;
  return fields;
}

/** The stored rules, in their stored order. */
export async function listRules(store: ObjectStore, columns?: ColumnConfig): Promise<Rule[]> {
  const doc = await readDocument(store, RULES_DOCUMENT, rulesDocumentSchema);
  return doc
    ? validateRules(doc.value.rules, { columns: columns ?? (await readColumnConfig(store)) })
    : [];
}

/** One stored rule; NOT_FOUND when there is none with this id. */
export async function getRule(
  store: ObjectStore,
  id: string,
  columns?: ColumnConfig,
): Promise<Rule> {
  const rule = (await listRules(store, columns)).find((r) => r.id === id);
  if (!rule) throw new MarketPulseError('NOT_FOUND', `no rule ${id}`, { details: { id } });
  return rule;
}

/** Applies `change` to the stored rules, validating the whole set before anything is written. */
async function changeRules(
  deps: RuleStoreDependencies,
  change: (rules: Rule[]) => Rule[],
): Promise<Rule[]> {
  let result: Rule[] = [];
  const columns = deps.columns ?? (await readColumnConfig(deps.store));
  await updateDocument(deps.store, RULES_DOCUMENT, rulesDocumentSchema, (current) => {
    const rules = current ? validateRules(current.rules, { columns }) : [];
    result = validateRules(change(rules), { columns });
    return { rules: result };
  });
  return result;
}

function checkVersion(rule: Rule, expectedVersion: number | undefined): void {
  if (expectedVersion !== undefined && rule.version !== expectedVersion) {
    throw new MarketPulseError(
      'CONFLICT',
      `rule ${rule.id} is at version ${rule.version}, not ${expectedVersion}: it changed since you read it; reload and retry`,
      {
        details: { id: rule.id, version: rule.version, expectedVersion },
      },
    );
  }
}

function find(rules: Rule[], id: string): Rule {
  const rule = rules.find((r) => r.id === id);
  if (!rule) throw new MarketPulseError('NOT_FOUND', `no rule ${id}`, { details: { id } });
  return rule;
}

/** Adds a rule (validated against the columns and the other rules' names), recording who added it. */
export async function createRule(
  deps: RuleStoreDependencies,
  fields: RuleFields,
  change: ChangeContext,
): Promise<Rule> {
  const id = deps.ids.nextId();
  const now = deps.clock.now().toISOString();
  const { actor } = change;
  const rules = await changeRules(deps, (rules) => [
    ...rules,
    {
      ...callerFields(fields),
      id,
      version: 1,
      createdAt: now,
      createdBy: actor,
      updatedAt: now,
      updatedBy: actor,
    } as Rule,
  ]);
  return find(rules, id);
}

/**
 * Replaces a rule's fields, recording who changed it; with `expectedVersion`, refuses (CONFLICT)
 * a rule changed since it was read.
 */
export async function updateRule(
  deps: RuleStoreDependencies,
  id: string,
  fields: RuleFields,
  change: VersionedChange,
): Promise<Rule> {
  const now = deps.clock.now().toISOString();
  const rules = await changeRules(deps, (rules) => {
    const rule = find(rules, id);
    checkVersion(rule, change.expectedVersion);
    return rules.map((r) =>
      r.id === id
        ? ({
            ...callerFields(fields),
            id,
            version: (r.version ?? 0) + 1,
            createdAt: r.createdAt,
            ...(r.createdBy !== undefined ? { createdBy: r.createdBy } : {}),
            updatedAt: now,
            updatedBy: change.actor,
          } as Rule)
        : r,
    );
  });
  return find(rules, id);
}

/** Activates or deactivates a rule, recording who did. */
export async function setRuleActive(
  deps: RuleStoreDependencies,
  id: string,
  active: boolean,
  change: VersionedChange,
): Promise<Rule> {
  const rule = await getRule(deps.store, id, deps.columns);
  return updateRule(
    deps,
    id,
    { ...callerFields(rule), active },
    { actor: change.actor, expectedVersion: change.expectedVersion ?? rule.version },
  );
}

/**
 * Removes a rule; returns it. `change.actor` is who removed it — nothing keeps it until the audit
 * log lands (SPEC §7), which records it from the same argument.
 */
export async function deleteRule(
  deps: RuleStoreDependencies,
  id: string,
  change: VersionedChange,
): Promise<Rule> {
  let removed: Rule | undefined;
  await changeRules(deps, (rules) => {
    removed = find(rules, id);
    checkVersion(removed, change.expectedVersion);
    return rules.filter((r) => r.id !== id);
  });
  return removed as Rule;
}

/**
 * Imports a rule file (one rule, an array, `{rules: […]}` or the legacy form) rule by rule: the
 * accepted rules are added (clashing names renamed, fresh ids), the refused ones reported. The
 * importer is recorded as each rule's creator, whatever actors the file names.
 */
export async function importRuleFile(
  deps: RuleStoreDependencies,
  file: unknown,
  change: ChangeContext,
): Promise<RuleImport> {
  const now = deps.clock.now().toISOString();
  let outcome: RuleImport = { rules: [], report: [] };
  const columns = deps.columns ?? (await readColumnConfig(deps.store));
  await changeRules({ ...deps, columns }, (existing) => {
    outcome = importRules(file, {
      existing,
      columns,
      newId: () => deps.ids.nextId(),
    });
    const added = outcome.rules.map((r) => ({
      ...r,
      version: 1,
      createdAt: r.createdAt ?? now,
      createdBy: change.actor,
      updatedAt: now,
      updatedBy: change.actor,
    }));
    outcome = { ...outcome, rules: added };
    return [...existing, ...added];
  });
  return outcome;
}
