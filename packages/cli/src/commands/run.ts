import {
  dryRun,
  isMarketPulseError,
  listRules,
  type RunRecord,
  ruleNamesOf,
} from '@market-pulse/core';
import { writeRowsFile } from '@market-pulse/node';
import type { Command } from 'commander';
import { withCommon } from '../common-options.js';
import {
  businessDateNow,
  configOf,
  type DataFolder,
  exportPath,
  openDataFolder,
  sourceFile,
} from '../data-folder.js';
import { type CliIO, output } from '../io.js';
import { operatorOf } from '../operator.js';
import { outFile } from '../option-values.js';
import { createProgress } from '../progress.js';
import { readRuleFile } from '../rule-file.js';
import { byRuleName, describeRun } from '../summary.js';
import { UsageError } from '../usage.js';
import { plural } from '../words.js';

interface RunOptions {
  source?: string;
  dryRun?: boolean;
  rules?: string;
  out?: string;
  json?: boolean;
  dataDir?: string;
}

/** The rules of a dry run: the rule file's, else the stored ones (none without a data folder). */
async function rulesFor(io: CliIO, options: RunOptions): Promise<readonly unknown[]> {
  if (options.rules) return readRuleFile(io, options.rules);
  // No data folder means no stored rules; any other problem (e.g. a bad MP_* value) is reported.
  const folder = await openDataFolder(io, { dataDir: options.dataDir, create: false }).catch(
    (err: unknown) => {
      if (isMarketPulseError(err, 'NOT_FOUND')) return null;
      throw err;
    },
  );
  return folder ? listRules(folder.store) : [];
}

async function dryRunCommand(io: CliIO, options: RunOptions): Promise<number> {
  const config = configOf(io, options.dataDir);
  const sourcePath = options.source ?? config.source;
  if (!sourcePath)
    throw new UsageError(
      'a dry run needs a source: pass --source FILE (or set MP_SOURCE)',
      '--source',
    );
  const out = options.out === undefined ? undefined : outFile(io.cwd, '--out', options.out);
  const progress = createProgress(io, ['reading', 'processing', 'writing']);
  const rules = await rulesFor(io, options);
  const result = await dryRun({
    source: sourceFile(io, sourcePath, config),
    rules,
    businessDate: businessDateNow(config.businessTimeZone),
    processedAt: new Date().toISOString(),
    rankDateField: config.rankDateField,
  });
  for (const notice of result.notices) io.stderr(`note: ${notice.message}\n`);
  progress.step('writing');
  if (out) await writeRowsFile(out, 'output', result.rows);
  progress.done();
  const { counts, rowErrors, ruleNames } = result;
  const summary = { dryRun: true, ...counts, ruleNames, rowErrors, out: options.out ?? null };
  const excludedText = byRuleName(counts.excludedByRule, ruleNames);
  output(io, options.json, summary, () =>
    [
      `dry run: ${counts.input} rows in, ${counts.invalid} invalid, ${counts.excluded} excluded${excludedText ? ` (${excludedText})` : ''}, ${counts.output} out (${plural(counts.parents, 'parent')}, ${plural(counts.children, 'child', 'children')})`,
      ...rowErrors.slice(0, 20).map((e) => `  row ${e.row} ${e.column}: ${e.reason}`),
      options.out ? `wrote ${options.out}` : 'nothing written (pass --out FILE to see the output)',
    ].join('\n'),
  );
  return 0;
}

/** What people read after a pipeline run besides its record: export files, warnings, rule names. */
export async function runReport(
  folder: DataFolder,
  run: { record: RunRecord; exports: string[]; warnings: string[] },
): Promise<{ files: string[]; names: Record<string, string>; extra: string[] }> {
  const files = run.exports.map((name) => exportPath(folder, name));
  return {
    files,
    names: await ruleNamesOf(folder.store, run.record),
    extra: [
      ...(files.length > 0
        ? [`  exports: ${folder.exportsDir} (${plural(files.length, 'file')})`]
        : []),
      ...run.warnings.map((w) => `  warning: ${w}`),
    ],
  };
}

async function runCommand(io: CliIO, options: RunOptions): Promise<number> {
  for (const [given, flag] of [
    [options.rules, '--rules'],
    [options.out, '--out'],
  ] as const)
    if (given !== undefined) throw new UsageError(`${flag} goes with --dry-run`, flag);
  const folder = await openDataFolder(io, { dataDir: options.dataDir, create: true });
  const progress = createProgress(io, ['reading', 'processing', 'writing exports']);
  const result = await folder.pipeline.run({
    trigger: 'cli',
    requestedBy: operatorOf(io),
    ...(options.source ? { source: sourceFile(io, options.source, folder.config) } : {}),
    onStep: (step) => progress.step(step),
  });
  progress.done();
  const { files, names, extra } = await runReport(folder, result);
  // The pipeline's warnings (after the commit) belong in the JSON too: a script must see them.
  output(
    io,
    options.json,
    {
      ...result.record,
      warnings: [...result.record.warnings, ...result.warnings],
      exports: files,
    },
    () => describeRun(result.record, extra, names),
  );
  return result.record.status === 'success' ? 0 : 1;
}

export function registerRun(program: Command, io: CliIO, exit: (code: number) => void): void {
  withCommon(
    program
      .command('run')
      .description(
        'process the configured source and every pending upload, then refresh the exports',
      )
      .option('--source <file>', 'the color source (.xlsx or .csv); default MP_SOURCE')
      .option('--dry-run', 'process without storing anything; write the would-be output to --out')
      .option('--rules <file>', 'dry run: a rule file to apply (default: the stored rules)')
      .option(
        '--out <file>',
        'dry run: where to write the would-be output (.xlsx, .csv or .jsonl)',
      ),
  ).action(async (options: RunOptions) =>
    exit(options.dryRun ? await dryRunCommand(io, options) : await runCommand(io, options)),
  );
}
