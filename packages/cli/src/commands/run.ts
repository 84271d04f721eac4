import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  columnKinds,
  defaultColumnConfig,
  dryRun,
  exportColumnsOf,
  isMarketPulseError,
  listRules,
  MarketPulseError,
  rulesOfFile,
  viewSheets,
} from '@market-pulse/core';
import { writeSpreadsheetFile } from '@market-pulse/node';
import type { Command } from 'commander';
import { businessDateNow, configOf, openDataFolder, sourceFile } from '../data-folder.js';
import { type CliIO, output } from '../io.js';
import { createProgress } from '../progress.js';
import { describeRun } from '../summary.js';

interface RunOptions {
  source?: string;
  dryRun?: boolean;
  rules?: string;
  out?: string;
  json?: boolean;
  dataDir?: string;
}

/** Reads a JSON rule file named on the command line (any form `rules import` takes). */
export async function readRuleFile(io: CliIO, path: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(resolve(io.cwd, path), 'utf8'));
  } catch (err) {
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `${path} is not a JSON rule file: ${(err as Error).message}`,
    );
  }
}

async function rulesFor(io: CliIO, options: RunOptions): Promise<readonly unknown[]> {
  if (options.rules) {
    const file = await readRuleFile(io, options.rules);
    try {
      return rulesOfFile(file);
    } catch (err) {
      if (!isMarketPulseError(err, 'VALIDATION_ERROR')) throw err;
      throw new MarketPulseError(
        'VALIDATION_ERROR',
        `invalid rule file ${options.rules}: ${err.message}`,
        {
          details: err.details,
        },
      );
    }
  }
  // No data folder means no stored rules; any other problem (e.g. a bad MP_* value) is reported.
  const folder = await openDataFolder(io, { dataDir: options.dataDir, create: false }).catch(
    (err: unknown) => {
      if (isMarketPulseError(err, 'NOT_FOUND')) return null;
      throw err;
    },
  );
  return folder ? listRules(folder.store) : [];
}

/** Writes a dry run's rows to `--out`: .xlsx (Colors and Parents), .csv or .jsonl. */
async function writeDryRunRows(path: string, rows: Record<string, unknown>[]): Promise<void> {
  const columns = exportColumnsOf(defaultColumnConfig, rows);
  const layout = { columns, kinds: columnKinds(defaultColumnConfig) };
  if (path.endsWith('.xlsx')) await writeSpreadsheetFile(path, 'xlsx', viewSheets(rows), layout);
  else if (path.endsWith('.csv'))
    await writeSpreadsheetFile(path, 'csv', [{ name: 'Colors', rows }], layout);
  else if (path.endsWith('.jsonl')) {
    const lines = rows.map((r) =>
      JSON.stringify(Object.fromEntries(columns.map((c) => [c, r[c] ?? null]))),
    );
    await writeFile(path, lines.join('\n') + (rows.length ? '\n' : ''));
  } else
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `--out must end in .xlsx, .csv or .jsonl (got ${path})`,
    );
}

async function dryRunCommand(io: CliIO, options: RunOptions): Promise<number> {
  const config = configOf(io, options.dataDir);
  const sourcePath = options.source ?? config.source;
  if (!sourcePath)
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      'a dry run needs a source: pass --source FILE or set MP_SOURCE',
    );
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
  if (options.out) await writeDryRunRows(resolve(io.cwd, options.out), result.rows);
  progress.done();
  const { counts, rowErrors } = result;
  const summary = { dryRun: true, ...counts, rowErrors, out: options.out ?? null };
  output(io, options.json, summary, () =>
    [
      `dry run: ${counts.input} rows in, ${counts.invalid} invalid, ${counts.excluded} excluded, ${counts.output} out (${counts.parents} parents, ${counts.children} children)`,
      ...rowErrors.slice(0, 20).map((e) => `  row ${e.row} ${e.column}: ${e.reason}`),
      options.out ? `wrote ${options.out}` : 'nothing written (pass --out FILE to see the output)',
    ].join('\n'),
  );
  return 0;
}

async function runCommand(io: CliIO, options: RunOptions): Promise<number> {
  const folder = await openDataFolder(io, { dataDir: options.dataDir, create: true });
  const progress = createProgress(io, ['reading', 'processing', 'writing exports']);
  const { record, exports, warnings } = await folder.pipeline.run({
    trigger: 'cli',
    ...(options.source ? { source: sourceFile(io, options.source, folder.config) } : {}),
    onStep: (step) => progress.step(step),
  });
  progress.done();
  const files = exports.map((name) => resolve(folder.exportsDir, name));
  const extra = [
    ...(files.length > 0 ? [`  exports: ${folder.exportsDir} (${files.length} files)`] : []),
    ...warnings.map((w) => `  warning: ${w}`),
  ];
  output(
    io,
    options.json,
    { ...record, warnings: [...record.warnings, ...warnings], exports: files },
    () => describeRun(record, extra),
  );
  return record.status === 'success' ? 0 : 1;
}

export function registerRun(program: Command, io: CliIO, exit: (code: number) => void): void {
  program
    .command('run')
    .description('process the configured source and every pending upload, then refresh the exports')
    .option('--source <file>', 'the color source (.xlsx or .csv); default MP_SOURCE')
    .option('--dry-run', 'process without storing anything; write the would-be output to --out')
    .option('--rules <file>', 'dry run: rules to apply (default: the stored rules)')
    .option('--out <file>', 'dry run: output file (.xlsx, .csv or .jsonl)')
    .option('--data-dir <dir>', 'the data folder (default MP_DATA_DIR or ./market-pulse-data)')
    .option('--json', 'print JSON')
    .action(async (options: RunOptions) =>
      exit(options.dryRun ? await dryRunCommand(io, options) : await runCommand(io, options)),
    );
}
