import { resolve } from 'node:path';
import {
  createRule,
  deleteRule,
  getRule,
  importRuleFile,
  listRules,
  type Rule,
  readColors,
  readColumnConfig,
  setRuleActive,
  testRules,
  updateRule,
  witnessText,
} from '@market-pulse/core';
import { randomIds, systemClock, writeFileAtomically } from '@market-pulse/node';
import type { Command } from 'commander';
import { JSON_HELP, withCommon } from '../common-options.js';
import { businessDateNow, configOf, openDataFolder, sourceFile } from '../data-folder.js';
import { type CliIO, output } from '../io.js';
import { operatorOf } from '../operator.js';
import { ifVersion } from '../option-values.js';
import { readOneRule, readRuleFile, readRuleJson } from '../rule-file.js';
import { byRuleName } from '../summary.js';
import { plural } from '../words.js';

const line = (r: Rule) =>
  `${r.id}  ${r.active ? 'active  ' : 'inactive'}  p${r.priority}  v${r.version ?? 1}  ${r.name}  when ${JSON.stringify(r.when)}${r.updatedBy ? `  (changed by ${r.updatedBy})` : ''}`;

const RULE_FILE_HELP =
  'a JSON rule file: one rule {"name", "when", "active"?, "priority"?}, an array, {"rules": [...]} or the legacy form';

export function registerRules(program: Command, io: CliIO, exit: (code: number) => void): void {
  const rules = program
    .command('rules')
    .description('exclusion rules (a row is removed when any active rule matches)');
  const deps = async (dataDir?: string) => {
    const f = await openDataFolder(io, { dataDir, create: false });
    return { store: f.store, clock: systemClock, ids: randomIds };
  };

  withCommon(
    rules
      .command('list')
      .description('every rule: id, active or not, priority, version, name, condition'),
  ).action(async (o: { dataDir?: string; json?: boolean }) => {
    const all = await listRules((await deps(o.dataDir)).store);
    output(io, o.json, all, () => (all.length ? all.map(line).join('\n') : 'no rules'));
    exit(0);
  });

  withCommon(
    rules
      .command('add')
      .description(
        'add the rule in FILE (active unless it says "active": false; a name not already used)',
      )
      .argument('<file>', RULE_FILE_HELP),
  ).action(async (file: string, o: { dataDir?: string; json?: boolean }) => {
    const d = await deps(o.dataDir);
    const fields = await readOneRule(io, file, 'add', await readColumnConfig(d.store));
    const rule = await createRule(d, fields, { actor: operatorOf(io) });
    output(io, o.json, rule, () => `added ${line(rule)}`);
    exit(0);
  });

  withCommon(
    rules
      .command('edit')
      .description(
        'replace rule ID with the rule in FILE; --if-version refuses it if the rule changed since you read it',
      )
      .argument('<id>', 'the rule id (rules list shows them)')
      .argument('<file>', RULE_FILE_HELP)
      .option(
        '--if-version <n>',
        'the version you edited (refused, exit 5, if the rule is at another)',
      ),
  ).action(
    async (
      id: string,
      file: string,
      o: { ifVersion?: string; dataDir?: string; json?: boolean },
    ) => {
      const d = await deps(o.dataDir);
      const fields = await readOneRule(io, file, 'edit', await readColumnConfig(d.store));
      const rule = await updateRule(d, id, fields, {
        actor: operatorOf(io),
        expectedVersion: ifVersion(o.ifVersion),
      });
      output(io, o.json, rule, () => `updated ${line(rule)}`);
      exit(0);
    },
  );

  withCommon(
    rules
      .command('rm')
      .description('remove a rule')
      .argument('<id>', 'the rule id')
      .option('--if-version <n>', 'the version you mean to remove (refused, exit 5, if it changed)')
      .option('--dry-run', 'show the rule that would be removed, remove nothing'),
  ).action(
    async (
      id: string,
      o: { ifVersion?: string; dryRun?: boolean; dataDir?: string; json?: boolean },
    ) => {
      const d = await deps(o.dataDir);
      const rule = o.dryRun
        ? await getRule(d.store, id)
        : await deleteRule(d, id, {
            actor: operatorOf(io),
            expectedVersion: ifVersion(o.ifVersion),
          });
      output(
        io,
        o.json,
        { removed: rule, dryRun: o.dryRun ?? false },
        () => `${o.dryRun ? 'would remove' : 'removed'} ${line(rule)}`,
      );
      exit(0);
    },
  );

  withCommon(
    rules
      .command('toggle')
      .description('activate an inactive rule, deactivate an active one')
      .argument('<id>', 'the rule id'),
  ).action(async (id: string, o: { dataDir?: string; json?: boolean }) => {
    const d = await deps(o.dataDir);
    const current = await getRule(d.store, id);
    const rule = await setRuleActive(d, id, !current.active, {
      actor: operatorOf(io),
      expectedVersion: current.version,
    });
    output(io, o.json, rule, () => line(rule));
    exit(0);
  });

  rules
    .command('test')
    .description(
      'dry-run the rules in FILE against --source: counts per rule and samples; saves nothing, needs no data folder',
    )
    .argument('<file>', RULE_FILE_HELP)
    .requiredOption('--source <file>', 'the rows to test against (.xlsx or .csv)')
    .option('--json', JSON_HELP)
    .action(async (file: string, o: { source: string; json?: boolean }) => {
      const config = configOf(io);
      const candidates = await readRuleFile(io, file);
      const parsed = await readColors(sourceFile(io, o.source, config));
      for (const notice of parsed.notices) io.stderr(`note: ${notice.message}\n`);
      const result = testRules(candidates, parsed.records, {
        businessDate: businessDateNow(config.businessTimeZone),
      });
      const perRule = byRuleName(result.byRule, result.ruleNames);
      output(io, o.json, result, () =>
        [
          `${result.excluded} of ${plural(result.rows, 'row')} would be excluded${perRule ? ` (${perRule})` : ''}`,
          ...result.excludedSamples.map(
            (s) =>
              `  ${s.row.CUSIP} ${s.row.SOURCE} ${s.row.BIAS} PX ${s.row.PX}: "${result.ruleNames[s.ruleId] ?? s.ruleId}": ${witnessText(s.witness)}`,
          ),
        ].join('\n'),
      );
      exit(0);
    });

  withCommon(
    rules
      .command('import')
      .description(
        'import every rule of a rule file, rule by rule, with a report (clashing names renamed, invalid rules refused: exit 3)',
      )
      .argument('<file>', RULE_FILE_HELP),
  ).action(async (file: string, o: { dataDir?: string; json?: boolean }) => {
    const outcome = await importRuleFile(await deps(o.dataDir), await readRuleJson(io, file), {
      actor: operatorOf(io),
    });
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

  withCommon(
    rules
      .command('export')
      .description('write the stored rules as {"rules": [...]} to FILE, or to stdout')
      .argument('[file]', 'the file to write (default: stdout)'),
    { json: false },
  ).action(async (file: string | undefined, o: { dataDir?: string }) => {
    const text = `${JSON.stringify({ rules: await listRules((await deps(o.dataDir)).store) }, null, 2)}\n`;
    if (file) await writeFileAtomically(resolve(io.cwd, file), [new TextEncoder().encode(text)]);
    else io.stdout(text);
    exit(0);
  });
}
