import { join } from 'node:path';
import {
  columnKinds,
  DEFAULT_COLUMNS,
  defaultColumnConfig,
  initializeStore,
  listRules,
  MarketPulseError,
  OUTPUT_WORKBOOK,
} from '@market-pulse/core';
import { generateColors, REALISTIC_RULES } from '@market-pulse/core/sample';
import { writeXlsxFile } from '@market-pulse/node';
import type { Command } from 'commander';
import { businessDateNow, openDataFolder, sourceFile } from '../data-folder.js';
import { type CliIO, output } from '../io.js';
import { createProgress } from '../progress.js';
import { describeRun } from '../summary.js';

export function registerDemo(program: Command, io: CliIO, exit: (code: number) => void): void {
  program
    .command('demo')
    .description(
      'create a data folder with a realistic sample day of colors, run the automation and show the result',
    )
    .option('--rows <n>', 'sample rows', '5000')
    .option('--data-dir <dir>', 'the data folder (default MP_DATA_DIR or ./market-pulse-data)')
    .option('--json', 'print JSON')
    .action(async (options: { rows: string; dataDir?: string; json?: boolean }) => {
      const rows = Number(options.rows);
      if (!Number.isInteger(rows) || rows < 1 || rows > 2_000_000) {
        throw new MarketPulseError(
          'VALIDATION_ERROR',
          `--rows must be a whole number from 1 to 2000000 (got ${options.rows})`,
        );
      }
      const folder = await openDataFolder(io, { dataDir: options.dataDir, create: true });
      const progress = createProgress(io, [
        'writing the sample',
        'reading',
        'processing',
        'writing exports',
      ]);
      const businessDate = businessDateNow(folder.config.businessTimeZone);
      const samplePath = join(folder.dir, 'samples', `colors-${businessDate}.xlsx`);
      await writeXlsxFile(
        samplePath,
        [{ name: 'Colors', rows: generateColors({ rows, seed: 7, businessDate }) }],
        {
          columns: DEFAULT_COLUMNS.map((c) => c.name),
          kinds: columnKinds(defaultColumnConfig),
        },
      );
      progress.step('reading');
      await initializeStore(folder.store, { rules: REALISTIC_RULES });
      // The one automation pipeline, on the sample alone (pending uploads stay pending).
      const { record, exports, warnings } = await folder.pipeline.run({
        trigger: 'cli',
        source: sourceFile(io, samplePath, folder.config),
        includePendingUploads: false,
        onStep: (step) => progress.step(step),
      });
      progress.done();
      const names = new Map((await listRules(folder.store)).map((r) => [r.id, r.name]));
      const workbook = join(folder.exportsDir, OUTPUT_WORKBOOK);
      const files = exports.map((name) => join(folder.exportsDir, name));
      output(
        io,
        options.json,
        { run: record, sample: samplePath, exports: files, outputWorkbook: workbook },
        () =>
          describeRun(
            record,
            [
              `  sample input: ${samplePath}`,
              `  files: ${files.length} in ${folder.exportsDir}`,
              ...warnings.map((w) => `  warning: ${w}`),
              `  open the output workbook: ${workbook}`,
            ],
            names,
          ),
      );
      exit(record.status === 'success' ? 0 : 1);
    });
}
