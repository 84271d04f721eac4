import { z } from 'zod';
import { MarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import { LEGACY_PERMISSIONS } from '../store/layout.js';
import { ALL_ASSET_CLASSES, normalizeEmail, userSchema } from './user.js';
import { addUser, findUser, updateUser } from './user-store.js';

/**
 * The first implementation's permissions file (SPEC §10), `permissions/user_permissions.json`:
 * `{"users": [{"username": "a@desk.example", "asset_classes": ["US CLO"], "full_name": "A"}]}`.
 * Extra fields are allowed (the old service ignored them too).
 */
export const legacyPermissionsSchema = z.looseObject({
  users: z.array(z.unknown()),
});

const entrySchema = z.looseObject({
  username: z.string().transform(normalizeEmail).pipe(userSchema.shape.email),
  asset_classes: userSchema.shape.assetClasses,
  full_name: z.string().trim().min(1).max(200).optional(),
});

/** One entry of the file, read. */
export interface LegacyPermission {
  email: string;
  assetClasses: string[];
  name?: string;
}

/** What a sync did (or, with `dryRun`, would do). */
export interface PermissionsSyncReport {
  /** Accounts created (viewers without a password: they set one through a reset). */
  created: string[];
  /** Accounts whose asset classes changed, with the classes before and after. */
  updated: { email: string; from: string[]; to: string[] }[];
  unchanged: string[];
  /** Accounts entitled to every sector (`*`): the file never narrows them. */
  keptAllSectors: string[];
  /** Entries listed in the file without an account, when `createMissing` is off. */
  missing: string[];
  /** Entries that could not be read, by position, with the reason. */
  refused: { index: number; username: unknown; reason: string }[];
}

/** Reads and validates a permissions file's bytes (VALIDATION_ERROR when it is not such a file). */
export function parseLegacyPermissions(bytes: Uint8Array): {
  entries: LegacyPermission[];
  refused: PermissionsSyncReport['refused'];
} {
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
  } catch {
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `${LEGACY_PERMISSIONS} is not valid UTF-8 JSON; fix the file (expected {"users": [{"username", "asset_classes", "full_name"}]})`,
      { details: { key: LEGACY_PERMISSIONS } },
    );
  }
  const file = legacyPermissionsSchema.safeParse(json);
  if (!file.success)
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `${LEGACY_PERMISSIONS} has no "users" list (expected {"users": [{"username", "asset_classes", "full_name"}]})`,
      { details: { key: LEGACY_PERMISSIONS } },
    );
  const entries: LegacyPermission[] = [];
  const refused: PermissionsSyncReport['refused'] = [];
  const seen = new Set<string>();
  file.data.users.forEach((raw, index) => {
    const entry = entrySchema.safeParse(raw);
    const username = (raw as { username?: unknown } | null)?.username;
    if (!entry.success) {
      refused.push({
        index,
        username,
        reason: entry.error.issues
          .map((i) => `${i.path.join('.') || 'entry'}: ${i.message}`)
          .join('; '),
      });
      return;
    }
    if (seen.has(entry.data.username)) {
      refused.push({ index, username, reason: 'listed again (the first entry counts)' });
      return;
    }
    seen.add(entry.data.username);
    entries.push({
      email: entry.data.username,
      assetClasses: [...new Set(entry.data.asset_classes)],
      ...(entry.data.full_name ? { name: entry.data.full_name } : {}),
    });
  });
  return { entries, refused };
}

/** Reads and validates the permissions file in the store; `undefined` when the store has none. */
export async function readLegacyPermissions(
  store: ObjectStore,
): Promise<ReturnType<typeof parseLegacyPermissions> | undefined> {
  const stored = await store.get(LEGACY_PERMISSIONS);
  return stored ? parseLegacyPermissions(stored.body) : undefined;
}

/**
 * Puts a permissions file into the store (where the first implementation kept it, and where
 * periodic syncs read it), after checking it reads; a file that does not is refused, nothing stored.
 */
export async function storeLegacyPermissions(store: ObjectStore, bytes: Uint8Array): Promise<void> {
  parseLegacyPermissions(bytes);
  await store.put(LEGACY_PERMISSIONS, bytes);
}

const sameClasses = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().join('\u0000') === [...b].sort().join('\u0000');

/**
 * Makes the accounts' asset classes follow the permissions file (import once, or run periodically
 * to keep them in sync): each listed account gets exactly the file's asset classes; with
 * `createMissing`, a listed address without an account becomes a viewer without a password.
 * Accounts not in the file are left as they are, and an account entitled to every sector is never
 * narrowed. NOT_FOUND when the store has no such file.
 */
export async function syncLegacyPermissions(
  deps: { store: ObjectStore; clock: Clock },
  actor: string,
  options: {
    createMissing?: boolean;
    dryRun?: boolean;
    /** A permissions file to follow instead of the store's copy (e.g. to preview one). */
    file?: Uint8Array;
  } = {},
): Promise<PermissionsSyncReport> {
  const file = options.file
    ? parseLegacyPermissions(options.file)
    : await readLegacyPermissions(deps.store);
  if (!file)
    throw new MarketPulseError('NOT_FOUND', `the store has no ${LEGACY_PERMISSIONS} to import`, {
      details: { key: LEGACY_PERMISSIONS },
    });
  const report: PermissionsSyncReport = {
    created: [],
    updated: [],
    unchanged: [],
    keptAllSectors: [],
    missing: [],
    refused: file.refused,
  };
  for (const entry of file.entries) {
    const account = await findUser(deps.store, entry.email);
    if (!account) {
      if (!options.createMissing) report.missing.push(entry.email);
      else {
        if (!options.dryRun)
          await addUser(
            deps,
            {
              email: entry.email,
              name: entry.name ?? entry.email,
              role: 'viewer',
              assetClasses: entry.assetClasses,
            },
            actor,
          );
        report.created.push(entry.email);
      }
    } else if (account.assetClasses.includes(ALL_ASSET_CLASSES))
      report.keptAllSectors.push(entry.email);
    else if (sameClasses(account.assetClasses, entry.assetClasses))
      report.unchanged.push(entry.email);
    else {
      if (!options.dryRun)
        await updateUser(deps, account.id, { assetClasses: entry.assetClasses }, actor, {
          expectedVersion: account.version,
        });
      report.updated.push({
        email: entry.email,
        from: account.assetClasses,
        to: entry.assetClasses,
      });
    }
  }
  return report;
}
