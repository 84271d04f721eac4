// `market-pulse store migrate`: converts a data folder from an earlier store format (issue 15).
import { type MigrationReport, migrateStore } from '@market-pulse/core';
import { nativeCompress, randomIds, systemClock } from '@market-pulse/node';
import type { Command } from 'commander';
import { withCommon } from '../common-options.js';
import { failpointsOf, openDataFolder } from '../data-folder.js';
import { type CliIO, output } from '../io.js';
import { plural } from '../words.js';

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

function describe(report: MigrationReport): string {
  const runs = report.runs.length;
  if (report.from === report.to && runs === 0 && !report.viewToIndex)
    return `the store is in format ${report.to} already; nothing to migrate`;
  const verb = report.dryRun ? 'would convert' : 'converted';
  return [
    `store format ${report.from ?? 'new'} → ${report.to}: ${verb} ${plural(runs, 'run')} (${plural(report.rows, 'row')}, ${mb(report.oldBytes)} of JSON lines) to compressed partitions`,
    report.viewToIndex
      ? `${report.dryRun ? 'would rebuild' : 'rebuilt'} the current view as an index of its runs`
      : 'the current view is an index already',
    ...(report.dryRun ? ['nothing changed (dry run)'] : []),
  ].join('\n');
}

export function registerStore(program: Command, io: CliIO, exit: (code: number) => void): void {
  const store = program.command('store').description('the data folder’s store format');
  withCommon(
    store
      .command('migrate')
      .description(
        'convert a data folder written by an earlier version (JSON-lines runs, a view copying its rows) to the current store format; resumable: run it again after an interruption',
      )
      .option('--dry-run', 'say what it would convert, change nothing'),
  ).action(async (o: { dryRun?: boolean; dataDir?: string; json?: boolean }) => {
    const f = await openDataFolder(io, { dataDir: o.dataDir, create: false });
    const report = await migrateStore(
      {
        store: f.store,
        clock: systemClock,
        ids: randomIds,
        probe: f.probe,
        failpoints: failpointsOf(io),
        compress: nativeCompress,
      },
      { dryRun: o.dryRun ?? false },
    );
    output(io, o.json, report, () => describe(report));
    exit(0);
  });
}
