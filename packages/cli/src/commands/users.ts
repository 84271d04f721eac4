import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  addUser,
  getUser,
  listUsers,
  MarketPulseError,
  ROLES,
  type Role,
  removeUser,
  setPassword,
  storeLegacyPermissions,
  syncLegacyPermissions,
  type UserChanges,
  type UserView,
  updateUser,
} from '@market-pulse/core';
import { argon2Hasher, assertReadableFile, systemClock } from '@market-pulse/node';
import type { Command } from 'commander';
import { withCommon } from '../common-options.js';
import { openDataFolder } from '../data-folder.js';
import { type CliIO, output } from '../io.js';
import { listOption } from '../list-option.js';
import { operatorOf } from '../operator.js';
import { ifVersion } from '../option-values.js';
import { UsageError } from '../usage.js';

const USER_HELP = 'the account: its email (or its id)';
const IF_VERSION_HELP = 'the version you read (refused, exit 5, if the account changed since)';

interface ChangeOptions {
  ifVersion?: string;
  dataDir?: string;
  json?: boolean;
}
const ROLE_HELP = `${ROLES.join(', ')} (admin: everything; user: read, search, uploads, run now; viewer: read and search)`;

const line = (u: UserView) =>
  `${u.email}  ${u.role}  ${u.disabled ? 'DISABLED' : 'enabled'}  asset classes: ${u.assetClasses.join(', ') || 'none (sees no rows)'}${u.clo ? `  CLO ${u.clo}` : ''}  v${u.version}  ${u.name}${u.hasPassword ? '' : '  (no password yet)'}`;

function roleOf(text: string): Role {
  if (!(ROLES as readonly string[]).includes(text))
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `unknown role "${text}": use ${ROLES.join(', ')}`,
      {
        details: { field: 'role' },
      },
    );
  return text as Role;
}

/** A new password, typed twice on a terminal (once when piped). */
async function newPassword(io: CliIO, forWhom: string): Promise<string> {
  if (!io.readSecret)
    throw new UsageError(
      'this CLI cannot read a password here (no terminal and no standard input)',
    );
  const first = await io.readSecret(`New password for ${forWhom}:`);
  if (io.stdinIsTTY) {
    const again = await io.readSecret('Once more:');
    if (again !== first)
      throw new MarketPulseError(
        'VALIDATION_ERROR',
        'the two passwords differ; nothing was changed',
      );
  }
  return first;
}

export function registerUsers(program: Command, io: CliIO, exit: (code: number) => void): void {
  const users = program
    .command('users')
    .description(
      'accounts: who may sign in, with which role and asset classes (admins only over HTTP)',
    );
  const deps = async (dataDir?: string) => {
    const f = await openDataFolder(io, { dataDir, create: false });
    return { store: f.store, clock: systemClock, hasher: argon2Hasher() };
  };
  const done = (o: { json?: boolean }, user: UserView, verb: string) => {
    output(io, o.json, user, () => `${verb} ${line(user)}`);
    exit(0);
  };

  withCommon(
    users
      .command('add')
      .description(
        'create an account and set its password (asked for; piped: the first line of stdin). The first admin is made this way: there are no default credentials',
      )
      .argument('<email>', 'the email the user signs in with (one account per address)')
      .requiredOption('--name <name>', 'the name shown for the user')
      .requiredOption('--role <role>', ROLE_HELP)
      .option(
        '--asset-classes <list>',
        'comma-separated asset classes whose sectors the user sees ("*": every sector; none: no rows)',
      )
      .option('--clo <type>', 'the CLO type that decides which columns the user sees')
      .option('--no-password', 'set no password now (the user sets one through a reset)'),
  ).action(
    async (
      email: string,
      o: {
        name: string;
        role: string;
        assetClasses?: string;
        clo?: string;
        password: boolean;
        dataDir?: string;
        json?: boolean;
      },
    ) => {
      const d = await deps(o.dataDir);
      const role = roleOf(o.role);
      const password = o.password ? await newPassword(io, email) : undefined;
      const user = await addUser(
        d,
        {
          email,
          name: o.name,
          role,
          assetClasses: o.assetClasses === undefined ? [] : listOption(o.assetClasses),
          clo: o.clo ?? null,
          ...(password === undefined ? {} : { password }),
        },
        operatorOf(io),
      );
      done(o, user, 'added');
    },
  );

  withCommon(
    users.command('list').description('every account (never a password or its hash)'),
  ).action(async (o: { dataDir?: string; json?: boolean }) => {
    const all = await listUsers((await deps(o.dataDir)).store);
    output(io, o.json, all, () => (all.length ? all.map(line).join('\n') : 'no accounts'));
    exit(0);
  });

  withCommon(users.command('show').description('one account').argument('<user>', USER_HELP)).action(
    async (ref: string, o: { dataDir?: string; json?: boolean }) => {
      const user = await getUser((await deps(o.dataDir)).store, ref);
      output(io, o.json, user, () =>
        [
          line(user),
          `id ${user.id}; created ${user.createdAt} by ${user.createdBy}; changed ${user.updatedAt} by ${user.updatedBy}`,
        ].join('\n'),
      );
      exit(0);
    },
  );

  /** Applies `changes` to the account, refusing a stale `--if-version`. */
  const applyChange = async (ref: string, changes: UserChanges, o: ChangeOptions) => {
    const expectedVersion = ifVersion(o.ifVersion);
    const user = await updateUser(await deps(o.dataDir), ref, changes, operatorOf(io), {
      ...(expectedVersion === undefined ? {} : { expectedVersion }),
    });
    done(o, user, 'changed');
  };
  const changeCommand = (name: string, description: string) =>
    withCommon(
      users
        .command(name)
        .description(description)
        .argument('<user>', USER_HELP)
        .option('--if-version <n>', IF_VERSION_HELP),
    );

  changeCommand('set-role', "change an account's role (the last enabled admin keeps theirs)")
    .argument('<role>', ROLE_HELP)
    .action((ref: string, role: string, o: ChangeOptions) =>
      applyChange(ref, { role: roleOf(role) }, o),
    );

  changeCommand('edit', "change an account's name, asset classes or CLO type")
    .option('--name <name>', 'the new name')
    .option('--asset-classes <list>', 'the new comma-separated asset classes ("" for none)')
    .option('--clo <type>', 'the new CLO type ("" for none)')
    .action(
      (ref: string, o: ChangeOptions & { name?: string; assetClasses?: string; clo?: string }) => {
        const changes: UserChanges = {};
        if (o.name !== undefined) changes.name = o.name;
        if (o.assetClasses !== undefined) changes.assetClasses = listOption(o.assetClasses);
        if (o.clo !== undefined) changes.clo = o.clo === '' ? null : o.clo;
        if (Object.keys(changes).length === 0)
          throw new UsageError('say what to change: --name, --asset-classes or --clo', '--name');
        return applyChange(ref, changes, o);
      },
    );

  changeCommand(
    'disable',
    'stop an account signing in and end its sessions (the last enabled admin stays)',
  ).action((ref: string, o: ChangeOptions) => applyChange(ref, { disabled: true }, o));

  changeCommand('enable', 'let a disabled account sign in again').action(
    (ref: string, o: ChangeOptions) => applyChange(ref, { disabled: false }, o),
  );

  withCommon(
    users
      .command('passwd')
      .description(
        "set an account's password (asked for; piped: the first line of stdin); ends its sessions",
      )
      .argument('<user>', USER_HELP),
  ).action(async (ref: string, o: { dataDir?: string; json?: boolean }) => {
    const d = await deps(o.dataDir);
    const current = await getUser(d.store, ref);
    const user = await setPassword(d, ref, await newPassword(io, current.email), operatorOf(io));
    done(o, user, 'password set for');
  });

  withCommon(
    users
      .command('rm')
      .description('remove an account (the last enabled admin stays)')
      .argument('<user>', USER_HELP)
      .option('--if-version <n>', IF_VERSION_HELP),
  ).action(async (ref: string, o: { ifVersion?: string; dataDir?: string; json?: boolean }) => {
    const d = await deps(o.dataDir);
    const user = await getUser(d.store, ref);
    const expectedVersion = ifVersion(o.ifVersion);
    await removeUser(d, ref, expectedVersion === undefined ? {} : { expectedVersion });
    output(io, o.json, { removed: user.email }, () => `removed ${user.email}`);
    exit(0);
  });

  withCommon(
    users
      .command('import-permissions')
      .description(
        "make accounts' asset classes follow the first implementation's permissions/user_permissions.json (given as FILE, which is then kept in the store, or the store's copy): listed accounts get exactly the file's asset classes; others are left as they are; an account entitled to every sector (*) is never narrowed",
      )
      .argument('[file]', 'a user_permissions.json to import (default: the one in the store)')
      .option(
        '--create-missing',
        'create listed addresses without an account as viewers without a password',
      )
      .option('--dry-run', 'report what would change, change nothing'),
  ).action(
    async (
      file: string | undefined,
      o: { createMissing?: boolean; dryRun?: boolean; dataDir?: string; json?: boolean },
    ) => {
      const d = await deps(o.dataDir);
      let bytes: Uint8Array | undefined;
      if (file !== undefined) {
        const path = resolve(io.cwd, file);
        await assertReadableFile(path, file);
        bytes = await readFile(path);
        if (!o.dryRun) await storeLegacyPermissions(d.store, bytes);
      }
      const report = await syncLegacyPermissions(
        { store: d.store, clock: d.clock },
        operatorOf(io),
        {
          createMissing: o.createMissing === true,
          dryRun: o.dryRun === true,
          ...(bytes ? { file: bytes } : {}),
        },
      );
      output(io, o.json, report, () =>
        [
          o.dryRun ? 'dry run: nothing changed' : '',
          ...report.created.map((e) => `created ${e} (viewer, no password yet)`),
          ...report.updated.map(
            (u) => `${u.email}: ${u.from.join(', ') || 'none'} → ${u.to.join(', ') || 'none'}`,
          ),
          ...report.keptAllSectors.map((e) => `${e}: kept every sector (*)`),
          ...report.missing.map((e) => `${e}: no account (--create-missing creates it)`),
          ...report.refused.map(
            (r) => `entry ${r.index} (${String(r.username)}) refused: ${r.reason}`,
          ),
          `${report.unchanged.length} unchanged`,
        ]
          .filter(Boolean)
          .join('\n'),
      );
      exit(report.refused.length > 0 ? 3 : 0);
    },
  );
}
