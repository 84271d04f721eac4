import { join, resolve } from 'node:path';
import type { ExportSelection } from '@market-pulse/core';
import { MarketPulseError } from '@market-pulse/core';
import { exportSelectionToFile } from '@market-pulse/node';
import type { Command } from 'commander';
import { openDataFolder, pipelineOf } from '../data-folder.js';
import { type CliIO, output } from '../io.js';
import { runId } from '../option-values.js';

export function registerExport(program: Command, io: CliIO, exit: (code: number) => void): void {
  program
    .command('export')
    .description(
      'rewrite the standing exports (current view), or export one run, one business date or a range to --out',
    )
    .option('--run <id>', 'one run')
    .option('--date <yyyy-mm-dd>', 'one business date')
    .option('--from <yyyy-mm-dd>', 'a range of business dates (with --to)')
    .option('--to <yyyy-mm-dd>')
    .option('--out <file>', '.xlsx or .csv (required with --run, --date or --from/--to)')
    .option('--data-dir <dir>')
    .option('--json', 'print JSON')
    .action(
      async (o: {
        run?: string;
        date?: string;
        from?: string;
        to?: string;
        out?: string;
        dataDir?: string;
        json?: boolean;
      }) => {
        const f = await openDataFolder(io, { dataDir: o.dataDir, create: false });
        let selection: ExportSelection | undefined;
        if (o.run !== undefined) selection = { run: runId(o.run) };
        else if (o.date !== undefined) selection = { date: o.date };
        else if (o.from !== undefined || o.to !== undefined) {
          if (!o.from || !o.to)
            throw new MarketPulseError('VALIDATION_ERROR', '--from and --to go together');
          selection = { from: o.from, to: o.to };
        }
        if (!selection) {
          const result = await pipelineOf(io, f).refreshExports();
          const failed = result.failed ?? [];
          output(
            io,
            o.json,
            { ...result, files: result.files.map((x) => join(f.exportsDir, x)) },
            () =>
              `wrote ${result.files.length - failed.length} files (${result.rows} rows) to ${f.exportsDir}`,
          );
          // The other files are in place; the ones that failed keep their previous content.
          for (const { name, reason } of failed)
            io.stderr(`error: ${name} not written: ${reason}\n`);
          return exit(failed.length > 0 ? 1 : 0);
        }
        if (!o.out)
          throw new MarketPulseError(
            'VALIDATION_ERROR',
            'pass --out FILE (.xlsx or .csv) to export a run, a date or a range',
          );
        const result = await exportSelectionToFile(f.store, selection, resolve(io.cwd, o.out));
        output(io, o.json, result, () => `wrote ${result.rows} rows to ${o.out}`);
        exit(0);
      },
    );
}
