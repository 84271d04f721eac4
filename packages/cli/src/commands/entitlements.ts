import { readEntitlements, setAssetClass } from '@market-pulse/core';
import { systemClock } from '@market-pulse/node';
import type { Command } from 'commander';
import { withCommon } from '../common-options.js';
import { openDataFolder } from '../data-folder.js';
import { type CliIO, output } from '../io.js';
import { operatorOf } from '../operator.js';

const lines = (assetClasses: Record<string, string[]>) =>
  Object.entries(assetClasses)
    .map(([name, sectors]) => `${name}: ${sectors.join(', ')}`)
    .join('\n') || 'no asset classes (accounts other than "*" see no rows)';

export function registerEntitlements(
  program: Command,
  io: CliIO,
  exit: (code: number) => void,
): void {
  const entitlements = program
    .command('entitlements')
    .description(
      'asset classes and their sectors: a user sees the rows of their asset classes only',
    );
  const store = async (dataDir?: string) =>
    (await openDataFolder(io, { dataDir, create: false })).store;
  const deps = async (dataDir?: string) => ({ store: await store(dataDir), clock: systemClock });

  withCommon(entitlements.command('list').description('every asset class and its sectors')).action(
    async (o: { dataDir?: string; json?: boolean }) => {
      const { assetClasses } = await readEntitlements(await store(o.dataDir));
      output(io, o.json, assetClasses, () => lines(assetClasses));
      exit(0);
    },
  );

  withCommon(
    entitlements
      .command('set')
      .description(
        'set the sectors of an asset class (replacing its list; sectors compare case-insensitively)',
      )
      .argument('<asset-class>', 'e.g. CLO')
      .argument('<sectors...>', 'e.g. MM-CLO BSL'),
  ).action(async (name: string, sectors: string[], o: { dataDir?: string; json?: boolean }) => {
    const { assetClasses } = await setAssetClass(
      await deps(o.dataDir),
      name,
      sectors,
      operatorOf(io),
    );
    output(io, o.json, assetClasses, () => lines(assetClasses));
    exit(0);
  });

  withCommon(
    entitlements
      .command('rm')
      .description('remove an asset class (its users then see none of its sectors)')
      .argument('<asset-class>', 'e.g. CLO'),
  ).action(async (name: string, o: { dataDir?: string; json?: boolean }) => {
    const { assetClasses } = await setAssetClass(await deps(o.dataDir), name, [], operatorOf(io));
    output(io, o.json, assetClasses, () => lines(assetClasses));
    exit(0);
  });
}
