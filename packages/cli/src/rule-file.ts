import {
  type ColumnConfig,
  isMarketPulseError,
  MarketPulseError,
  type Rule,
  type RuleFields,
  ruleFileEntries,
  rulesOfFile,
} from '@market-pulse/core';
import { readJsonFile } from './input-files.js';
import type { CliIO } from './io.js';

// One reader of rule files for every command (SPEC §14): one rule, an array, {"rules": […]} or
// the first implementation's legacy form; a rule may leave out its id (the store gives one) and
// `active` (true). `rules add`/`edit` take one rule, `rules test` and `run --dry-run --rules` all
// of them, all or nothing; `rules import` reads rule by rule through core's report instead.

/** The JSON of a rule file (unreadable → exit 3 "cannot read FILE: …"; not JSON → exit 3). */
export function readRuleJson(io: CliIO, path: string): Promise<unknown> {
  return readJsonFile(io, path, 'JSON rule');
}

/** Every rule of a rule file, validated; refused whole (exit 3) naming each rule and field. */
export async function readRuleFile(io: CliIO, path: string): Promise<Rule[]> {
  return rulesIn(path, await readRuleJson(io, path));
}

function rulesIn(path: string, file: unknown, columns?: ColumnConfig): Rule[] {
  try {
    return rulesOfFile(file, { columns });
  } catch (err) {
    if (!isMarketPulseError(err, 'VALIDATION_ERROR')) throw err;
    throw new MarketPulseError('VALIDATION_ERROR', `${path}: ${err.message}`, {
      details: err.details,
    });
  }
}

/**
 * The one rule of a rule file, as fields to save (the store gives id, version and timestamps),
 * checked against `columns` (the store's: `readColumnConfig`; default the standard columns).
 */
export async function readOneRule(
  io: CliIO,
  path: string,
  command: 'add' | 'edit',
  columns?: ColumnConfig,
): Promise<RuleFields> {
  const file = await readRuleJson(io, path);
  const count = ruleFileEntries(file).length;
  if (count !== 1)
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      count === 0
        ? `${path} holds no rule`
        : `${path} holds ${count} rules; rules ${command} takes one${command === 'add' ? ` (to add them all: market-pulse rules import ${path})` : ''}`,
      { details: { reason: 'rule-count', count } },
    );
  const [rule] = rulesIn(path, file, columns) as [Rule];
  const { id: _id, version: _v, createdAt: _c, updatedAt: _u, ...fields } = rule;
  return fields;
}
