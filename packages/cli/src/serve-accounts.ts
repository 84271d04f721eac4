import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  type Clock,
  ensureFirstAdmin,
  MarketPulseError,
  type ObjectStore,
  type PasswordHasher,
  storeUpkeep,
  type Timers,
} from '@market-pulse/core';
import type { NodeConfig } from '@market-pulse/node';
import type { Logger } from 'pino';

/**
 * The first admin from `MP_ADMIN_EMAIL` and `MP_ADMIN_PASSWORD_FILE` (SPEC §10: there is never a
 * default credential). Does nothing once any admin exists, so a later password change stands.
 * The password comes from a file (a container secret), never from the environment itself.
 */
export async function createConfiguredAdmin(
  deps: { store: ObjectStore; clock: Clock; hasher: PasswordHasher },
  accounts: NodeConfig['accounts'],
  cwd: string,
  log: Logger,
): Promise<void> {
  const { adminEmail, adminPasswordFile } = accounts;
  if (adminEmail === undefined && adminPasswordFile === undefined) return;
  if (adminEmail === undefined || adminPasswordFile === undefined)
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      'set both MP_ADMIN_EMAIL and MP_ADMIN_PASSWORD_FILE (a file holding the password) to create the first admin, or neither',
    );
  const path = resolve(cwd, adminPasswordFile);
  const password = await readFile(path, 'utf8').then(
    (text) => text.replace(/\r?\n$/, ''),
    (err: NodeJS.ErrnoException) => {
      throw new MarketPulseError(
        'VALIDATION_ERROR',
        `MP_ADMIN_PASSWORD_FILE: cannot read ${path} (${err.code ?? err.message})`,
        { cause: err },
      );
    },
  );
  const created = await ensureFirstAdmin(
    deps,
    { email: adminEmail, password },
    'serve:first-admin',
  );
  if (created) log.info({ admin: created.email }, 'created the first admin (MP_ADMIN_EMAIL)');
}

/**
 * Runs {@link storeUpkeep} (permission sync, clean-up of rate-limit counters, ended sessions and
 * expired idempotency records) now and then every `seconds`; a failed round is logged and the
 * next one retries.
 */
export function startAccountsUpkeep(options: {
  store: ObjectStore;
  clock: Clock;
  timers: Timers;
  seconds: number;
  log: Logger;
}): { stop(): void } {
  const { timers, log } = options;
  let handle: unknown;
  let stopped = false;
  const round = async () => {
    try {
      const report = await storeUpkeep(options, 'serve:permissions-sync');
      const p = report.permissions;
      if (p && (p.updated.length > 0 || p.refused.length > 0))
        log.info({ permissions: p }, 'permissions file synced');
      if (report.rateLimitsPruned > 0 || report.sessionsPruned > 0)
        log.info(
          { rateLimits: report.rateLimitsPruned, sessions: report.sessionsPruned },
          'pruned passed rate-limit counters and ended sessions',
        );
      if (report.idempotencyKeysPruned > 0)
        log.info(
          { idempotencyKeys: report.idempotencyKeysPruned },
          'pruned idempotency records past their retention',
        );
    } catch (err) {
      log.warn({ err }, `account upkeep failed (${(err as Error).message}); retrying next round`);
    }
    if (!stopped) handle = timers.setTimeout(() => void round(), options.seconds * 1000);
  };
  void round();
  return {
    stop: () => {
      stopped = true;
      timers.clearTimeout(handle);
    },
  };
}
