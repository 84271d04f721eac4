import { resolve } from 'node:path';
import { defaultColumnConfig, MarketPulseError } from '@market-pulse/core';
import { writeTemplateCsv, writeTemplateXlsx } from '@market-pulse/node';
import type { Command } from 'commander';
import type { CliIO } from '../io.js';

export function registerTemplate(program: Command, io: CliIO, exit: (code: number) => void): void {
  program
    .command('template')
    .description(
      'write the upload template (.xlsx with instructions and a BIAS pick-list, or .csv); needs no data folder',
    )
    .requiredOption('--out <file>', 'template.xlsx or template.csv')
    .action(async (o: { out: string }) => {
      const out = resolve(io.cwd, o.out);
      if (out.endsWith('.xlsx')) await writeTemplateXlsx(out, defaultColumnConfig);
      else if (out.endsWith('.csv')) await writeTemplateCsv(out, defaultColumnConfig);
      else
        throw new MarketPulseError(
          'VALIDATION_ERROR',
          `--out must end in .xlsx or .csv (got ${o.out})`,
        );
      io.stdout(`wrote ${o.out}\n`);
      exit(0);
    });
}
