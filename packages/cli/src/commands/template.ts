import { defaultColumnConfig } from '@market-pulse/core';
import { writeTemplateCsv, writeTemplateXlsx } from '@market-pulse/node';
import type { Command } from 'commander';
import type { CliIO } from '../io.js';
import { outFile } from '../option-values.js';

export function registerTemplate(program: Command, io: CliIO, exit: (code: number) => void): void {
  program
    .command('template')
    .description(
      'write the upload template (.xlsx with instructions and a BIAS pick-list, or .csv); needs no data folder',
    )
    .requiredOption('--out <file>', 'the file to write: template.xlsx or template.csv')
    .action(async (o: { out: string }) => {
      const out = outFile(io.cwd, '--out', o.out, ['.xlsx', '.csv']);
      if (out.toLowerCase().endsWith('.xlsx')) await writeTemplateXlsx(out, defaultColumnConfig);
      else await writeTemplateCsv(out, defaultColumnConfig);
      io.stdout(`wrote ${o.out}\n`);
      exit(0);
    });
}
