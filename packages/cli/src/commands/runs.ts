import { resolve } from 'node:path';
import {
  listRuns,
  MarketPulseError,
  readRunRecord,
  readRunRows,
  setRunHidden,
} from '@market-pulse/core';
import { exportSelectionToFile, systemClock } from '@market-pulse/node';
import type { Command } from 'commander';
import { openDataFolder } from '../data-folder.js';
import { type CliIO, output } from '../io.js';
import { runId, wholeNumber } from '../option-values.js';
import { describeRun } from '../summary.js';

export function registerRuns(program: Command, io: CliIO, exit: (code: number) => void): void {
  const runs = program
    .command('runs')
    .description('committed runs: list, inspect, hide and restore their rows, export');
  const folder = (dataDir?: string) => openDataFolder(io, { dataDir, create: false });

  runs
    .command('list')
    .option('--limit <n>', 'newest N runs', '50')
    .option('--data-dir <dir>')
    .option('--json', 'print JSON')
    .action(async (o: { limit: string; dataDir?: string; json?: boolean }) => {
      const all = await listRuns((await folder(o.dataDir)).store, {
        limit: wholeNumber('--limit', o.limit),
      });
      output(io, o.json, all, () =>
        all.length
          ? all
              .map((r) =>
                r.state === 'committed'
                  ? `${r.id}  ${r.record.status}${r.hidden ? ' (hidden)' : ''}  ${r.record.trigger}  ${r.record.businessDate}  ${r.record.counts.output} rows  ${r.record.error?.message ?? ''}`
                  : r.state === 'running'
                    ? `${r.id}  running since ${r.startedAt} (${r.trigger})`
                    : r.state === 'unreadable'
                      ? `${r.id}  unreadable: ${r.key}: ${r.reason}`
                      : `${r.id}  never started`,
              )
              .join('\n')
          : 'no runs yet',
      );
      exit(0);
    });

  runs
    .command('show <id>')
    .option('--data-dir <dir>')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { dataDir?: string; json?: boolean }) => {
      const record = await readRunRecord((await folder(o.dataDir)).store, runId(id));
      if (!record)
        throw new MarketPulseError(
          'NOT_FOUND',
          `run ${id} has not committed (it is running, died, or never existed)`,
        );
      output(io, o.json, record, () => describeRun(record));
      exit(0);
    });

  runs
    .command('rows <id>')
    .description("print a run's output rows as JSON lines")
    .option('--data-dir <dir>')
    .action(async (id: string, o: { dataDir?: string }) => {
      const f = await folder(o.dataDir);
      const record = await readRunRecord(f.store, runId(id));
      if (!record) throw new MarketPulseError('NOT_FOUND', `run ${id} has not committed`);
      for (const row of await readRunRows(f.store, record)) io.stdout(`${JSON.stringify(row)}\n`);
      exit(0);
    });

  for (const [name, hidden] of [
    ['hide', true],
    ['restore', false],
  ] as const) {
    runs
      .command(`${name} <id>`)
      .description(
        hidden
          ? "hide a run's rows from every view and export (reversible)"
          : "bring a hidden run's rows back",
      )
      .option('--dry-run', 'say what would change')
      .option('--data-dir <dir>')
      .option('--json', 'print JSON')
      .action(async (id: string, o: { dryRun?: boolean; dataDir?: string; json?: boolean }) => {
        const f = await folder(o.dataDir);
        const record = await readRunRecord(f.store, runId(id));
        if (!record) throw new MarketPulseError('NOT_FOUND', `run ${id} has not committed`);
        if (o.dryRun) {
          output(
            io,
            o.json,
            { run: record.id, rows: record.counts.output, dryRun: true },
            () => `would ${name} the ${record.counts.output} rows of run ${record.id}`,
          );
          return exit(0);
        }
        const manifest = await setRunHidden(
          { store: f.store, clock: systemClock },
          record.id,
          hidden,
        );
        await f.pipeline.refreshExports();
        output(
          io,
          o.json,
          { run: record.id, hidden, viewVersion: manifest.version },
          () => `run ${record.id} ${hidden ? 'hidden' : 'restored'}; exports refreshed`,
        );
        exit(0);
      });
  }

  runs
    .command('export <id>')
    .requiredOption('--out <file>', '.xlsx or .csv')
    .option('--data-dir <dir>')
    .option('--json', 'print JSON')
    .action(async (id: string, o: { out: string; dataDir?: string; json?: boolean }) => {
      const f = await folder(o.dataDir);
      const result = await exportSelectionToFile(
        f.store,
        { run: runId(id) },
        resolve(io.cwd, o.out),
      );
      output(io, o.json, result, () => `wrote ${result.rows} rows to ${o.out}`);
      exit(0);
    });
}
