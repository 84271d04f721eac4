import {
  type ApiKeyView,
  createApiKey,
  listApiKeys,
  MarketPulseError,
  ROLES,
  type Role,
  revokeApiKey,
} from '@market-pulse/core';
import { systemClock, systemRandom } from '@market-pulse/node';
import type { Command } from 'commander';
import { withCommon } from '../common-options.js';
import { openDataFolder } from '../data-folder.js';
import { type CliIO, output } from '../io.js';
import { listOption } from '../list-option.js';
import { operatorOf } from '../operator.js';

const line = (k: ApiKeyView) =>
  `${k.id}  ${k.revokedAt ? `REVOKED ${k.revokedAt} by ${k.revokedBy}` : 'live'}  ${k.role}  asset classes: ${k.assetClasses.join(', ') || 'none'}  ${k.name}  (created ${k.createdAt} by ${k.createdBy})`;

export function registerApiKeys(program: Command, io: CliIO, exit: (code: number) => void): void {
  const apikeys = program
    .command('apikeys')
    .description('API keys of service accounts (scoped to a role and asset classes, revocable)');
  const deps = async (dataDir?: string) => {
    const f = await openDataFolder(io, { dataDir, create: false });
    return { store: f.store, clock: systemClock, random: systemRandom };
  };

  withCommon(
    apikeys
      .command('create')
      .description('create a key and print its token — the only time it is shown; store it now')
      .argument('<name>', 'what the key is for, e.g. "nightly loader"')
      .requiredOption('--role <role>', `${ROLES.join(', ')}`)
      .option('--asset-classes <list>', 'comma-separated asset classes ("*": every sector)')
      .option('--clo <type>', 'the CLO type that decides which columns the key sees'),
  ).action(
    async (
      name: string,
      o: { role: string; assetClasses?: string; clo?: string; dataDir?: string; json?: boolean },
    ) => {
      if (!(ROLES as readonly string[]).includes(o.role))
        throw new MarketPulseError(
          'VALIDATION_ERROR',
          `unknown role "${o.role}": use ${ROLES.join(', ')}`,
        );
      const key = await createApiKey(
        await deps(o.dataDir),
        {
          name,
          role: o.role as Role,
          assetClasses: o.assetClasses === undefined ? [] : listOption(o.assetClasses),
          clo: o.clo ?? null,
        },
        operatorOf(io),
      );
      output(io, o.json, key, () =>
        [
          `created ${line(key)}`,
          `token (shown once; send it as "Authorization: Bearer <token>"):`,
          key.token,
        ].join('\n'),
      );
      exit(0);
    },
  );

  withCommon(apikeys.command('list').description('every key (never a token)')).action(
    async (o: { dataDir?: string; json?: boolean }) => {
      const keys = await listApiKeys((await deps(o.dataDir)).store);
      output(io, o.json, keys, () => (keys.length ? keys.map(line).join('\n') : 'no API keys'));
      exit(0);
    },
  );

  withCommon(
    apikeys
      .command('revoke')
      .description('revoke a key: requests with it are refused from now on')
      .argument('<id>', 'the key id (apikeys list shows them)'),
  ).action(async (id: string, o: { dataDir?: string; json?: boolean }) => {
    const key = await revokeApiKey(await deps(o.dataDir), id, operatorOf(io));
    output(io, o.json, key, () => `revoked ${line(key)}`);
    exit(0);
  });
}
