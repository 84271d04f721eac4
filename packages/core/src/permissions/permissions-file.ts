// The first implementation's permissions file (SPEC §10): which desk user sees which asset
// classes, kept in the store (on S3, next to the data) and read for the accounts work.
import { z } from 'zod';
import { MarketPulseError } from '../errors.js';
import type { ObjectStore } from '../ports/object-store.js';

/** Where the permissions file is, in the store (the first implementation's S3 key). */
export const PERMISSIONS_FILE = 'permissions/user_permissions.json';

const userSchema = z.object({
  username: z.string().trim().min(1, 'a username is required'),
  asset_classes: z.array(z.string().trim().min(1, 'an asset class is empty')),
  full_name: z.string().optional(),
});

const permissionsSchema = z.object({ users: z.array(userSchema) }).superRefine((file, ctx) => {
  const seen = new Map<string, number>();
  file.users.forEach((user, i) => {
    const key = user.username.trim().toLowerCase();
    const first = seen.get(key);
    if (first !== undefined)
      ctx.addIssue({
        code: 'custom',
        path: ['users', i, 'username'],
        message: `"${user.username}" is listed twice (also users[${first}]); usernames compare case-insensitively`,
      });
    else seen.set(key, i);
  });
});

/** One user of the permissions file: the asset classes they may see. */
export interface UserPermissions {
  username: string;
  assetClasses: string[];
  fullName: string | undefined;
}

/**
 * Reads and validates `permissions/user_permissions.json` (`{ users: [{ username, asset_classes,
 * full_name }] }`, the first implementation's format): `null` when there is none; a file that is
 * not JSON or not of that shape is refused (VALIDATION_ERROR) with every problem and where it is,
 * so whoever maintains it knows what to fix. Unknown fields are ignored.
 *
 * @example
 * ```ts
 * const users = await readPermissionsFile(store);
 * const mine = users?.find((u) => u.username === 'jdoe')?.assetClasses ?? [];
 * ```
 */
export async function readPermissionsFile(store: ObjectStore): Promise<UserPermissions[] | null> {
  const stored = await store.get(PERMISSIONS_FILE);
  if (!stored) return null;
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(stored.body));
  } catch (err) {
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `${PERMISSIONS_FILE} is not JSON text (${(err as Error).message}): fix or replace the file`,
      { details: { key: PERMISSIONS_FILE } },
    );
  }
  const parsed = permissionsSchema.safeParse(json);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) => `${issue.path.length ? issue.path.join('.') : '(the file)'}: ${issue.message}`,
    );
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `${PERMISSIONS_FILE} is invalid: ${problems.join('; ')}`,
      { details: { key: PERMISSIONS_FILE, problems } },
    );
  }
  return parsed.data.users.map((user) => ({
    username: user.username.trim(),
    assetClasses: user.asset_classes.map((c) => c.trim()),
    fullName: user.full_name,
  }));
}
