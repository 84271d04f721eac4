import { initializeStore } from '@market-pulse/core';
import type { Command } from 'commander';
import { DATA_DIR_HELP, JSON_HELP } from '../common-options.js';
import { openDataFolder } from '../data-folder.js';
import { type CliIO, output } from '../io.js';

export function registerInit(program: Command, io: CliIO, exit: (code: number) => void): void {
  program
    .command('init')
    .description('create the data folder (store and exports) if it does not exist')
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--json', JSON_HELP)
    .action(async (options: { dataDir?: string; json?: boolean }) => {
      const folder = await openDataFolder(io, { dataDir: options.dataDir, create: true });
      await initializeStore(folder.store);
      output(
        io,
        options.json,
        { dataDir: folder.dir, exportsDir: folder.exportsDir },
        () => `data folder ready: ${folder.dir}`,
      );
      exit(0);
    });
}
