import { type ExportSelection, isCalendarDate, MarketPulseError } from '@market-pulse/core';
import { exportSelectionToFile } from '@market-pulse/node';
import type { Command } from 'commander';
import { withCommon } from '../common-options.js';
import { exportPath, openDataFolder } from '../data-folder.js';
import { type CliIO, output } from '../io.js';
import { outFile, runId } from '../option-values.js';
import { UsageError } from '../usage.js';
import { plural } from '../words.js';

export function registerExport(program: Command, io: CliIO, exit: (code: number) => void): void {
  withCommon(
    program
      .command('export')
      .description(
        'rewrite the standing exports (the current view), or export one run, one business date or a range of them to --out',
      )
      .option('--run <id>', 'one run (its RUN_ID)')
      .option('--date <yyyy-mm-dd>', 'the visible runs of one business date')
      .option('--from <yyyy-mm-dd>', 'the first business date of a range (with --to)')
      .option('--to <yyyy-mm-dd>', 'the last business date of a range (with --from)')
      .option(
        '--out <file>',
        'the file to write: .xlsx, .csv or .jsonl (with --run, --date or --from/--to)',
      ),
  ).action(
    async (o: {
      run?: string;
      date?: string;
      from?: string;
      to?: string;
      out?: string;
      dataDir?: string;
      json?: boolean;
    }) => {
      for (const [flag, value] of [
        ['--date', o.date],
        ['--from', o.from],
        ['--to', o.to],
      ] as const)
        if (value !== undefined && !isCalendarDate(value))
          throw new MarketPulseError(
            'VALIDATION_ERROR',
            `${flag} must be a business date written YYYY-MM-DD (got ${value})`,
            { details: { field: flag } },
          );
      let selection: ExportSelection | undefined;
      if (o.run !== undefined) selection = { run: runId(o.run) };
      else if (o.date !== undefined) selection = { date: o.date };
      else if (o.from !== undefined || o.to !== undefined) {
        if (!o.from || !o.to)
          throw new UsageError('--from and --to go together', o.from ? '--to' : '--from');
        selection = { from: o.from, to: o.to };
      }
      if (selection && o.out === undefined)
        throw new UsageError(
          'pass --out FILE (.xlsx, .csv or .jsonl) to export a run, a date or a range',
          '--out',
        );
      if (!selection && o.out !== undefined)
        throw new UsageError('--out goes with --run, --date or --from/--to', '--out');
      const out = o.out === undefined ? undefined : outFile(io.cwd, '--out', o.out);
      const f = await openDataFolder(io, { dataDir: o.dataDir, create: false });
      if (!selection || !out) {
        const result = await f.pipeline.refreshExports();
        const failed = result.failed ?? [];
        output(
          io,
          o.json,
          { ...result, files: result.files.map((x: string) => exportPath(f, x)) },
          () =>
            `wrote ${plural(result.files.length - failed.length, 'file')} (${plural(result.rows, 'row')}) to ${f.exportsDir}`,
        );
        // The other files are in place; the ones that failed keep their previous content.
        for (const { name, reason } of failed) io.stderr(`error: ${name} not written: ${reason}\n`);
        return exit(failed.length > 0 ? 1 : 0);
      }
      const result = await exportSelectionToFile(f.store, selection, out);
      output(io, o.json, result, () => `wrote ${plural(result.rows, 'row')} to ${o.out}`);
      exit(0);
    },
  );
}
