import { join } from 'node:path';
import {
  columnKinds,
  DEFAULT_COLUMNS,
  defaultColumnConfig,
  initializeStore,
  MarketPulseError,
  OUTPUT_WORKBOOK,
} from '@market-pulse/core';
import { generateColors, latestBusinessDay, REALISTIC_RULES } from '@market-pulse/core/sample';
import { writeXlsxFile } from '@market-pulse/node';
import type { Command } from 'commander';
import { withCommon } from '../common-options.js';
import { businessDateNow, exportPath, openDataFolder, sourceFile } from '../data-folder.js';
import { type CliIO, output } from '../io.js';
import { operatorOf } from '../operator.js';
import { createProgress } from '../progress.js';
import { describeRun } from '../summary.js';
import { runReport } from './run.js';

export function registerDemo(program: Command, io: CliIO, exit: (code: number) => void): void {
  withCommon(
    program
      .command('demo')
      .description(
        'create a data folder with a realistic sample day of colors (the latest business day), run the automation and show the result',
      )
      .option('--rows <n>', 'how many sample rows (1 to 2000000)', '5000'),
  ).action(async (options: { rows: string; dataDir?: string; json?: boolean }) => {
    const rows = Number(options.rows);
    if (!Number.isInteger(rows) || rows < 1 || rows > 2_000_000)
      throw new MarketPulseError(
        'VALIDATION_ERROR',
        `--rows must be a whole number from 1 to 2000000 (got ${options.rows})`,
        { details: { field: '--rows' } },
      );
    const folder = await openDataFolder(io, { dataDir: options.dataDir, create: true });
    const progress = createProgress(io, [
      'writing the sample',
      'reading',
      'processing',
      'writing exports',
    ]);
    // A desk looks at a business day: on a weekend, the demo shows Friday.
    const businessDate = latestBusinessDay(businessDateNow(folder.config.businessTimeZone));
    const samplePath = join(folder.dir, 'samples', `colors-${businessDate}.xlsx`);
    await writeXlsxFile(
      samplePath,
      [{ name: 'Colors', rows: generateColors({ rows, seed: 7, businessDate }) }],
      { columns: DEFAULT_COLUMNS.map((c) => c.name), kinds: columnKinds(defaultColumnConfig) },
    );
    progress.step('reading');
    await initializeStore(folder.store, { rules: REALISTIC_RULES });
    // The one automation pipeline, on the sample alone (pending uploads stay pending).
    const result = await folder.pipeline.run({
      trigger: 'cli',
      requestedBy: operatorOf(io),
      source: sourceFile(io, samplePath, folder.config),
      includePendingUploads: false,
      businessDate,
      onStep: (step) => progress.step(step),
    });
    progress.done();
    const workbook = exportPath(folder, OUTPUT_WORKBOOK);
    const { files, names, extra } = await runReport(folder, result);
    output(
      io,
      options.json,
      { run: result.record, sample: samplePath, exports: files, outputWorkbook: workbook },
      () =>
        describeRun(
          result.record,
          [...extra, `  sample input: ${samplePath}`, `  open the output workbook: ${workbook}`],
          names,
        ),
    );
    exit(result.record.status === 'success' ? 0 : 1);
  });
}
