import { isMarketPulseError } from '../errors.js';
import type { UserView } from './user.js';
import { type AccountDependencies, addUser, listUsers } from './user-store.js';

/**
 * Creates the first admin from a host's configuration at start (SPEC §10: no default
 * credentials — the account exists only when the operator configured one). Does nothing once any
 * admin exists, so it can run at every start and a later password change is never undone.
 * Returns the account it created, or `undefined`.
 */
export async function ensureFirstAdmin(
  deps: AccountDependencies,
  admin: { email: string; password: string; name?: string },
  actor: string,
): Promise<UserView | undefined> {
  const users = await listUsers(deps.store);
  if (users.some((u) => u.role === 'admin')) return undefined;
  try {
    return await addUser(
      deps,
      {
        email: admin.email,
        name: admin.name ?? 'Administrator',
        role: 'admin',
        assetClasses: ['*'],
        password: admin.password,
      },
      actor,
    );
  } catch (err) {
    // A replica starting at the same moment created it first.
    if (isMarketPulseError(err, 'CONFLICT')) return undefined;
    throw err;
  }
}
