import { SEARCH_KINDS, type SearchKind, searchCurrentView } from '@market-pulse/core';
import type { Command } from 'commander';
import { Option } from 'commander';
import { DATA_DIR_HELP, JSON_HELP } from '../common-options.js';
import { openDataFolder } from '../data-folder.js';
import { type CliIO, output } from '../io.js';

export function registerSearch(program: Command, io: CliIO, exit: (code: number) => void): void {
  program
    .command('search')
    .argument('<identifier>', 'a CUSIP, an ISIN, a MESSAGE_ID or text of a TICKER')
    .description(
      'find a CUSIP, ISIN (as its CUSIP), MESSAGE_ID or TICKER text in the current view, with the whole group of each matched CUSIP',
    )
    .addOption(
      new Option('--kind <kind>', 'what the identifier is').choices(SEARCH_KINDS).default('any'),
    )
    .option('--no-expand', 'only the matching rows, not every row of each matched CUSIP')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--json', JSON_HELP)
    .action(
      async (
        identifier: string,
        o: { dataDir?: string; json?: boolean; kind: SearchKind; expand: boolean },
      ) => {
        const folder = await openDataFolder(io, { dataDir: o.dataDir, create: false });
        const result = await searchCurrentView(folder.store, identifier, undefined, {
          kind: o.kind,
          expand: o.expand,
        });
        output(io, o.json, result, () =>
          result.rows.length
            ? result.rows
                .map(
                  (r) =>
                    `${r.IS_PARENT ? '*' : ' '} ${r.CUSIP}  ${r.TICKER ?? ''}  ${r.SOURCE}  ${r.BIAS}  PX ${r.PX ?? ''}  ${r.DATE_1 ?? r.DATE}  msg ${r.MESSAGE_ID}  run ${r.RUN_ID}`,
                )
                .join('\n')
            : `nothing in the current view matches ${result.identifier}`,
        );
        exit(0);
      },
    );
}
