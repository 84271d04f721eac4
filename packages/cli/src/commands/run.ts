import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  compileRules,
  defaultColumnConfig,
  exportColumnsOf,
  importRules,
  isMarketPulseError,
  listRules,
  MarketPulseError,
  type RankedRow,
  type RecordValue,
  rankColors,
} from '@market-pulse/core';
import { columnKinds, readColorFile, writeCsvFile, writeViewWorkbook } from '@market-pulse/node';
import type { Command } from 'commander';
import { businessDateNow, configOf, openDataFolder, pipelineOf } from '../data-folder.js';
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

/** Reads a color file for a dry run or a rule test (no hash: nothing is stored), notices on stderr. */
export async function readSource(
  io: CliIO,
  path: string,
  limits: ReturnType<typeof configOf>['uploadLimits'],
) {
  const parsed = await readColorFile(resolve(io.cwd, path), { limits });
  for (const notice of parsed.notices) io.stderr(`note: ${notice.message}\n`);
  return { parsed };
}

async function rulesFor(
  io: CliIO,
  options: RunOptions,
  dataDir: string | undefined,
): Promise<unknown[]> {
  if (options.rules) {
    let file: unknown;
    try {
      file = JSON.parse(await readFile(resolve(io.cwd, options.rules), 'utf8'));
    } catch (err) {
      throw new MarketPulseError(
        'VALIDATION_ERROR',
        `${options.rules} is not a JSON rule file: ${(err as Error).message}`,
      );
    }
    const { rules, report } = importRules(file);
    const refused = report.filter((r) => r.outcome === 'refused');
    if (refused.length > 0) {
      throw new MarketPulseError(
        'VALIDATION_ERROR',
        `invalid rule file ${options.rules}: ${refused.map((r) => `rule ${r.name ?? r.position}: ${r.messages.join('; ')}`).join(' | ')}`,
      );
    }
    return rules;
  }
  // No data folder means no stored rules; any other problem (e.g. a bad MP_* value) is reported.
  const folder = await openDataFolder(io, { dataDir, create: false }).catch((err: unknown) => {
    if (isMarketPulseError(err, 'NOT_FOUND')) return null;
    throw err;
  });
  return folder ? listRules(folder.store) : [];
}

async function dryRun(io: CliIO, options: RunOptions): Promise<number> {
  const config = configOf(io, options.dataDir);
  const sourcePath = options.source ?? config.source;
  if (!sourcePath)
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      'a dry run needs a source: pass --source FILE or set MP_SOURCE',
    );
  const progress = createProgress(io, ['reading', 'processing', 'writing']);
  const { parsed } = await readSource(io, sourcePath, config.uploadLimits);
  progress.step('processing');
  const businessDate = businessDateNow(config.businessTimeZone);
  const rules = compileRules(await rulesFor(io, options, options.dataDir), { businessDate });
  const applied = rules.apply(parsed.records);
  const processedAt = new Date().toISOString();
  // rankColors hands back fresh objects: add the output columns in place (a spread copy of a
  // million rows is slow on Node 20).
  const rows = rankColors(applied.kept, { dateField: config.rankDateField }) as (RankedRow &
    Record<string, RecordValue>)[];
  for (const row of rows) {
    row.RUN_ID = null;
    row.PROCESSED_AT = processedAt;
    row.PROCESSING_TYPE = 'AUTOMATED';
    row.ORIGIN = 'source';
  }
  progress.step('writing');
  if (options.out) {
    const out = resolve(io.cwd, options.out);
    const columns = exportColumnsOf(defaultColumnConfig, rows);
    if (out.endsWith('.xlsx')) {
      await writeViewWorkbook(out, rows, { columns, kinds: columnKinds(defaultColumnConfig) });
    } else if (out.endsWith('.csv')) await writeCsvFile(out, rows, { columns });
    else if (out.endsWith('.jsonl')) {
      await writeFile(
        out,
        rows
          .map((r) => JSON.stringify(Object.fromEntries(columns.map((c) => [c, r[c] ?? null]))))
          .join('\n') + (rows.length ? '\n' : ''),
      );
    } else
      throw new MarketPulseError(
        'VALIDATION_ERROR',
        `--out must end in .xlsx, .csv or .jsonl (got ${options.out})`,
      );
  }
  progress.done();
  const parents = rows.filter((r) => r.IS_PARENT).length;
  const summary = {
    dryRun: true,
    input: parsed.records.length + new Set(parsed.errors.map((e) => e.row)).size,
    invalid: new Set(parsed.errors.map((e) => e.row)).size,
    rowErrors: parsed.errors,
    excluded: applied.excluded.length,
    excludedByRule: applied.countsByRule,
    output: rows.length,
    parents,
    children: rows.length - parents,
    out: options.out ?? null,
  };
  output(io, options.json, summary, () =>
    [
      `dry run: ${summary.input} rows in, ${summary.invalid} invalid, ${summary.excluded} excluded, ${summary.output} out (${parents} parents, ${summary.children} children)`,
      ...parsed.errors.slice(0, 20).map((e) => `  row ${e.row} ${e.column}: ${e.reason}`),
      options.out ? `wrote ${options.out}` : 'nothing written (pass --out FILE to see the output)',
    ].join('\n'),
  );
  return 0;
}

async function realRun(io: CliIO, options: RunOptions): Promise<number> {
  const folder = await openDataFolder(io, { dataDir: options.dataDir, create: true });
  const progress = createProgress(io, ['reading', 'processing', 'writing exports']);
  const { record, exports, warnings } = await pipelineOf(io, folder).run({
    trigger: 'cli',
    ...(options.source ? { source: options.source } : {}),
    onStep: (step) => progress.step(step),
  });
  progress.done();
  const extra = [
    ...(exports.length > 0 ? [`  exports: ${folder.exportsDir} (${exports.length} files)`] : []),
    ...warnings.map((w) => `  warning: ${w}`),
  ];
  output(io, options.json, { ...record, exports }, () => describeRun(record, extra));
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
      exit(options.dryRun ? await dryRun(io, options) : await realRun(io, options)),
    );
}
