import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import {
  createDocument,
  DEFAULT_COLUMNS,
  defaultColumnConfig,
  isMarketPulseError,
  listRules,
  MarketPulseError,
  RULES_DOCUMENT,
} from '@market-pulse/core';
import { generateColors, REALISTIC_RULES } from '@market-pulse/core/sample';
import { columnKinds, OUTPUT_WORKBOOK, writeXlsxFile } from '@market-pulse/node';
import type { Command } from 'commander';
import { businessDateNow, openDataFolder, pipelineOf } from '../data-folder.js';
import { type CliIO, output } from '../io.js';
import { createProgress } from '../progress.js';
import { describeRun } from '../summary.js';

async function ensureRulesDocument(
  store: Awaited<ReturnType<typeof openDataFolder>>['store'],
  rules: unknown[] = [],
): Promise<void> {
  try {
    await createDocument(store, RULES_DOCUMENT, { rules });
  } catch (err) {
    if (!isMarketPulseError(err, 'CONFLICT')) throw err; // already initialised
  }
}

export function registerInitAndDemo(
  program: Command,
  io: CliIO,
  exit: (code: number) => void,
): void {
  program
    .command('init')
    .description('create the data folder (store and exports) if it does not exist')
    .option('--data-dir <dir>', 'the data folder (default MP_DATA_DIR or ./market-pulse-data)')
    .option('--json', 'print JSON')
    .action(async (options: { dataDir?: string; json?: boolean }) => {
      const folder = await openDataFolder(io, { dataDir: options.dataDir, create: true });
      await ensureRulesDocument(folder.store);
      output(
        io,
        options.json,
        { dataDir: folder.dir, exportsDir: folder.exportsDir },
        () => `data folder ready: ${folder.dir}`,
      );
      exit(0);
    });

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
      await mkdir(join(folder.dir, 'samples'), { recursive: true });
      await writeXlsxFile(
        samplePath,
        [{ name: 'Colors', rows: generateColors({ rows, seed: 7, businessDate }) }],
        {
          columns: DEFAULT_COLUMNS.map((c) => c.name),
          kinds: columnKinds(defaultColumnConfig),
        },
      );
      progress.step('reading');
      await ensureRulesDocument(folder.store, [...REALISTIC_RULES]);
      // The one automation pipeline, on the sample alone (pending uploads stay pending).
      const { record, exports, warnings } = await pipelineOf(io, folder).run({
        trigger: 'cli',
        source: samplePath,
        includePendingUploads: false,
        onStep: (step) => progress.step(step),
      });
      progress.done();
      const names = new Map((await listRules(folder.store)).map((r) => [r.id, r.name]));
      const workbook = join(folder.exportsDir, OUTPUT_WORKBOOK);
      output(
        io,
        options.json,
        {
          run: record,
          sample: samplePath,
          exports,
          outputWorkbook: workbook,
        },
        () =>
          describeRun(
            record,
            [
              `  sample input: ${samplePath}`,
              `  files: ${exports.length} in ${folder.exportsDir}`,
              ...warnings.map((w) => `  warning: ${w}`),
              `  open the output workbook: ${workbook}`,
            ],
            names,
          ),
      );
      exit(record.status === 'success' ? 0 : 1);
    });
}
