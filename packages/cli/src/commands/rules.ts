import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  createRule,
  deleteRule,
  describeWitnessLeaf,
  getRule,
  importRuleFile,
  listRules,
  MarketPulseError,
  type Rule,
  type RuleFields,
  readColors,
  setRuleActive,
  testRules,
  updateRule,
} from '@market-pulse/core';
import { randomIds, systemClock } from '@market-pulse/node';
import type { Command } from 'commander';
import { businessDateNow, configOf, openDataFolder, sourceFile } from '../data-folder.js';
import { type CliIO, output } from '../io.js';
import { ifVersion } from '../option-values.js';

const line = (r: Rule) =>
  `${r.id}  ${r.active ? 'active  ' : 'inactive'}  p${r.priority}  v${r.version ?? 1}  ${r.name}  when ${JSON.stringify(r.when)}`;

async function readJson(io: CliIO, file: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(resolve(io.cwd, file), 'utf8'));
  } catch (err) {
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `${file} is not a JSON file: ${(err as Error).message}`,
    );
  }
}

/** A rule file for add/edit: the rule's fields (id, version and timestamps are the store's). */
function fieldsOf(doc: unknown): RuleFields {
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc))
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      'a rule file for add/edit holds one rule object',
    );
  const {
    id: _id,
    version: _v,
    createdAt: _c,
    updatedAt: _u,
    ...fields
  } = doc as Record<string, unknown>;
  return fields as RuleFields;
}

export function registerRules(program: Command, io: CliIO, exit: (code: number) => void): void {
  const rules = program
    .command('rules')
    .description('exclusion rules (a row is removed when any active rule matches)');
  const deps = async (dataDir?: string) => {
    const f = await openDataFolder(io, { dataDir, create: false });
    return { store: f.store, clock: systemClock, ids: randomIds };
  };

  rules
    .command('list')
    .option('--data-dir <dir>')
    .option('--json', 'print JSON')
    .action(async (o: { dataDir?: string; json?: boolean }) => {
      const all = await listRules((await deps(o.dataDir)).store);
      output(io, o.json, all, () => (all.length ? all.map(line).join('\n') : 'no rules'));
      exit(0);
    });

  rules
    .command('add <file>')
    .description('add the rule in FILE ({ name, active, priority, when })')
    .option('--data-dir <dir>')
    .option('--json', 'print JSON')
    .action(async (file: string, o: { dataDir?: string; json?: boolean }) => {
      const rule = await createRule(await deps(o.dataDir), fieldsOf(await readJson(io, file)));
      output(io, o.json, rule, () => `added ${line(rule)}`);
      exit(0);
    });

  rules
    .command('edit <id> <file>')
    .description(
      'replace rule ID with the rule in FILE; --version refuses a rule changed since you read it',
    )
    .option('--if-version <n>', 'the version you edited')
    .option('--data-dir <dir>')
    .option('--json', 'print JSON')
    .action(
      async (
        id: string,
        file: string,
        o: { ifVersion?: string; dataDir?: string; json?: boolean },
      ) => {
        const rule = await updateRule(
          await deps(o.dataDir),
          id,
          fieldsOf(await readJson(io, file)),
          ifVersion(o.ifVersion),
        );
        output(io, o.json, rule, () => `updated ${line(rule)}`);
        exit(0);
      },
    );

  rules
    .command('rm <id>')
    .option('--if-version <n>', 'the version you mean to remove')
    .option('--dry-run', 'show the rule that would be removed')
    .option('--data-dir <dir>')
    .option('--json', 'print JSON')
    .action(
      async (
        id: string,
        o: { ifVersion?: string; dryRun?: boolean; dataDir?: string; json?: boolean },
      ) => {
        const d = await deps(o.dataDir);
        const rule = o.dryRun
          ? await getRule(d.store, id)
          : await deleteRule(d, id, ifVersion(o.ifVersion));
        output(
          io,
          o.json,
          { removed: rule, dryRun: o.dryRun ?? false },
          () => `${o.dryRun ? 'would remove' : 'removed'} ${line(rule)}`,
        );
        exit(0);
      },
    );

  rules
    .command('toggle <id>')
    .description('activate an inactive rule, deactivate an active one')
    .option('--data-dir <dir>')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { dataDir?: string; json?: boolean }) => {
      const d = await deps(o.dataDir);
      const current = await getRule(d.store, id);
      const rule = await setRuleActive(d, id, !current.active, current.version);
      output(io, o.json, rule, () => line(rule));
      exit(0);
    });

  rules
    .command('test <file>')
    .description('dry-run the rule(s) in FILE against --source: counts and samples, nothing saved')
    .requiredOption('--source <file>', 'rows to test against (.xlsx or .csv)')
    .option('--json', 'print JSON')
    .action(async (file: string, o: { source: string; json?: boolean }) => {
      const config = configOf(io);
      const ruleFile = await readJson(io, file);
      const parsed = await readColors(sourceFile(io, o.source, config));
      for (const notice of parsed.notices) io.stderr(`note: ${notice.message}\n`);
      const result = testRules(ruleFile, parsed.records, {
        businessDate: businessDateNow(config.businessTimeZone),
      });
      output(io, o.json, result, () =>
        [
          `${result.excluded} of ${result.rows} rows would be excluded (${Object.entries(
            result.byRule,
          )
            .map(([id, n]) => `${result.ruleNames[id] ?? id} ${n}`)
            .join(', ')})`,
          ...result.excludedSamples.map(
            (s) =>
              `  ${s.row.CUSIP} ${s.row.SOURCE} ${s.row.BIAS} PX ${s.row.PX}: ${s.witness.map(describeWitnessLeaf).join(' and ')}`,
          ),
        ].join('\n'),
      );
      exit(0);
    });

  rules
    .command('import <file>')
    .description(
      'import a rule file (one rule, an array, {"rules": [...]}, or the legacy form) rule by rule, with a report',
    )
    .option('--data-dir <dir>')
    .option('--json', 'print JSON')
    .action(async (file: string, o: { dataDir?: string; json?: boolean }) => {
      const outcome = await importRuleFile(await deps(o.dataDir), await readJson(io, file));
      output(io, o.json, outcome, () =>
        outcome.report
          .map(
            (r) =>
              `${r.outcome === 'imported' ? 'imported' : 'REFUSED '} #${r.position} ${r.name ?? ''}${r.converted ? ' (converted from the legacy form)' : ''}${r.renamedFrom ? ` (renamed from "${r.renamedFrom}")` : ''}${r.messages.length ? `\n    ${r.messages.join('\n    ')}` : ''}`,
          )
          .join('\n'),
      );
      exit(outcome.report.some((r) => r.outcome === 'refused') ? 3 : 0);
    });

  rules
    .command('export [file]')
    .description('write the stored rules as {"rules": [...]} to FILE (or stdout)')
    .option('--data-dir <dir>')
    .action(async (file: string | undefined, o: { dataDir?: string }) => {
      const text = `${JSON.stringify({ rules: await listRules((await deps(o.dataDir)).store) }, null, 2)}\n`;
      if (file) await writeFile(resolve(io.cwd, file), text);
      else io.stdout(text);
      exit(0);
    });
}
