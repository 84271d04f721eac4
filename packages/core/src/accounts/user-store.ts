import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import type { z } from 'zod';
import { MarketPulseError } from '../errors.js';
import type { Clock } from '../ports/clock.js';
import type { ObjectStore } from '../ports/object-store.js';
import type { PasswordHasher } from '../ports/password-hasher.js';
import { createDocument, readDocument, updateDocument } from '../store/json-document.js';
import { USERS_PREFIX, userKey } from '../store/layout.js';
import { passwordProblem } from './password-policy.js';
import {
  type NewUser,
  newUserSchema,
  normalizeEmail,
  type User,
  type UserChanges,
  type UserView,
  userChangesSchema,
  userSchema,
  userView,
} from './user.js';

/** What the account functions need. `actor` names who makes each change (`cli:ann`, `user:<id>`). */
export interface AccountDependencies {
  store: ObjectStore;
  clock: Clock;
  hasher: PasswordHasher;
}

const encoder = new TextEncoder();

/** The id of the account of `email`: a hash of the normalised address (32 hex digits). */
export const userIdOf = (email: string) =>
  bytesToHex(sha256(encoder.encode(normalizeEmail(email)))).slice(0, 32);

function invalid(what: string, issues: z.core.$ZodIssue[]): MarketPulseError {
  return new MarketPulseError(
    'VALIDATION_ERROR',
    `invalid ${what}: ${issues.map((i) => `${i.path.join('.') || what}: ${i.message}`).join('; ')}`,
    { details: { issues } },
  );
}

const notFound = (ref: string) =>
  new MarketPulseError('NOT_FOUND', `no account ${ref}`, { details: { user: ref } });

/** The key of an account given by id or email; anything else is simply not found. */
function keyOf(ref: string): string {
  const id = ref.includes('@') ? userIdOf(ref) : ref;
  if (!/^[0-9a-f]{32}$/.test(id)) throw notFound(ref);
  return userKey(id);
}

/** The stored account (with its hash) by id or email, or `null`. For the sign-in paths. */
export async function findUser(store: ObjectStore, ref: string): Promise<User | null> {
  const key = keyOf(ref.includes('@') ? ref : ref.trim());
  return (await readDocument(store, key, userSchema))?.value ?? null;
}

/** One account by id or email; NOT_FOUND when there is none. */
export async function getUser(store: ObjectStore, ref: string): Promise<UserView> {
  const user = await findUser(store, ref);
  if (!user) throw notFound(ref);
  return userView(user);
}

/** Every account, by email. */
export async function listUsers(store: ObjectStore): Promise<UserView[]> {
  const users: UserView[] = [];
  for await (const { key } of store.list(USERS_PREFIX)) {
    if (!key.endsWith('.json')) continue;
    const doc = await readDocument(store, key, userSchema);
    if (doc) users.push(userView(doc.value));
  }
  return users.sort((a, b) => a.email.localeCompare(b.email));
}

async function checkedPassword(password: string, account: { email: string; name: string }) {
  const problem = await passwordProblem(password, account);
  if (problem !== undefined)
    throw new MarketPulseError('VALIDATION_ERROR', `the password ${problem}`, {
      details: { field: 'password', reason: problem },
    });
}

/**
 * Creates an account (SPEC §10: no default credentials — the first admin is created this way, by
 * the CLI or from the environment at first start). CONFLICT when the email has an account. Without
 * a password (the user sets one through a reset) no `hasher` is needed.
 */
export async function addUser(
  deps: Pick<AccountDependencies, 'store' | 'clock'> & { hasher?: PasswordHasher },
  input: NewUser,
  actor: string,
): Promise<UserView> {
  const parsed = newUserSchema.safeParse(input);
  if (!parsed.success) throw invalid('account', parsed.error.issues);
  const { password, ...fields } = parsed.data;
  const email = normalizeEmail(fields.email);
  if (password !== undefined) await checkedPassword(password, { email, name: fields.name });
  const now = deps.clock.now().toISOString();
  const user: User = userSchema.parse({
    ...fields,
    id: userIdOf(email),
    email,
    disabled: false,
    passwordHash: password === undefined ? null : await hasherOf(deps).hash(password),
    sessionsValidFrom: now,
    version: 1,
    createdAt: now,
    createdBy: actor,
    updatedAt: now,
    updatedBy: actor,
  });
  try {
    await createDocument(deps.store, userKey(user.id), user);
  } catch (err) {
    if (err instanceof MarketPulseError && err.code === 'CONFLICT')
      throw new MarketPulseError('CONFLICT', `${email} already has an account`, {
        details: { field: 'email', reason: 'duplicate-email' },
      });
    throw err;
  }
  return userView(user);
}

function hasherOf(deps: { hasher?: PasswordHasher }): PasswordHasher {
  if (!deps.hasher) throw new Error('addUser needs a password hasher to set a password');
  return deps.hasher;
}

/** Enabled admins other than `exceptId`: the last one must stay (else nobody can administer). */
async function otherAdmins(store: ObjectStore, exceptId: string): Promise<number> {
  const users = await listUsers(store);
  return users.filter((u) => u.id !== exceptId && u.role === 'admin' && !u.disabled).length;
}

/**
 * Changes an account under compare-and-swap. `change` gets the stored account and returns the
 * new fields (or throws); with `expectedVersion`, an account changed since it was read is refused
 * (CONFLICT). Sessions end when `endSessions` is set.
 */
async function changeUser(
  deps: Pick<AccountDependencies, 'store' | 'clock'>,
  ref: string,
  actor: string,
  change: (user: User) => Partial<User>,
  options: { expectedVersion?: number; endSessions?: boolean } = {},
): Promise<UserView> {
  const key = keyOf(ref);
  const now = deps.clock.now().toISOString();
  const outcome = await updateDocument(deps.store, key, userSchema, (current) => {
    if (current === null) throw notFound(ref);
    if (options.expectedVersion !== undefined && current.version !== options.expectedVersion)
      throw new MarketPulseError(
        'CONFLICT',
        `account ${current.email} is at version ${current.version}, not ${options.expectedVersion}: it changed since you read it; reload and retry`,
        { details: { reason: 'stale-version', version: current.version } },
      );
    return {
      ...current,
      ...change(current),
      version: current.version + 1,
      updatedAt: now,
      updatedBy: actor,
      ...(options.endSessions
        ? { sessionsValidFrom: now, sessionGeneration: (current.sessionGeneration ?? 0) + 1 }
        : {}),
    };
  });
  return userView(outcome.value as User);
}

/**
 * Changes an account's name, role, asset classes, CLO or disabled state. Disabling ends the
 * account's sessions; the last enabled admin cannot be disabled or demoted (CONFLICT).
 */
export async function updateUser(
  deps: Pick<AccountDependencies, 'store' | 'clock'>,
  ref: string,
  changes: UserChanges,
  actor: string,
  options: { expectedVersion?: number } = {},
): Promise<UserView> {
  const parsed = userChangesSchema.safeParse(changes);
  if (!parsed.success) throw invalid('change', parsed.error.issues);
  const fields = Object.fromEntries(
    Object.entries(parsed.data).filter(([, value]) => value !== undefined),
  ) as Partial<User>;
  const current = await findUser(deps.store, ref);
  if (!current) throw notFound(ref);
  const losesAdmin =
    current.role === 'admin' &&
    !current.disabled &&
    ((fields.role !== undefined && fields.role !== 'admin') || fields.disabled === true);
  if (losesAdmin && (await otherAdmins(deps.store, current.id)) === 0)
    throw new MarketPulseError(
      'CONFLICT',
      `${current.email} is the last enabled admin; make another account admin first`,
      { details: { reason: 'last-admin' } },
    );
  return changeUser(deps, ref, actor, () => fields, {
    ...options,
    endSessions: fields.disabled === true && !current.disabled,
  });
}

/** Sets an account's password (policy-checked) and ends its sessions (ASVS: a change ends them). */
export async function setPassword(
  deps: AccountDependencies,
  ref: string,
  password: string,
  actor: string,
): Promise<UserView> {
  const current = await findUser(deps.store, ref);
  if (!current) throw notFound(ref);
  await checkedPassword(password, current);
  const passwordHash = await deps.hasher.hash(password);
  return changeUser(deps, ref, actor, () => ({ passwordHash }), { endSessions: true });
}

/** Removes an account; the last enabled admin cannot be removed (CONFLICT). */
export async function removeUser(
  deps: Pick<AccountDependencies, 'store' | 'clock'>,
  ref: string,
  options: { expectedVersion?: number } = {},
): Promise<void> {
  const key = keyOf(ref);
  const stored = await readDocument(deps.store, key, userSchema);
  if (!stored) throw notFound(ref);
  const user = stored.value;
  if (options.expectedVersion !== undefined && user.version !== options.expectedVersion)
    throw new MarketPulseError(
      'CONFLICT',
      `account ${user.email} is at version ${user.version}, not ${options.expectedVersion}: reload and retry`,
      { details: { reason: 'stale-version', version: user.version } },
    );
  if (user.role === 'admin' && !user.disabled && (await otherAdmins(deps.store, user.id)) === 0)
    throw new MarketPulseError(
      'CONFLICT',
      `${user.email} is the last enabled admin; make another account admin first`,
      { details: { reason: 'last-admin' } },
    );
  await deps.store.delete(key, { ifMatch: stored.etag });
}

/**
 * Checks an email and password. Returns the account when they match an enabled account, else
 * `undefined` — the same answer, and the same work (one hash verification against a fixed decoy
 * hash), for an unknown email, a disabled account or a wrong password, so neither the answer nor
 * its time tells whether an account exists. A hash made with weaker parameters is upgraded.
 */
export async function verifyPassword(
  deps: AccountDependencies,
  email: string,
  password: string,
  decoyHash: string,
): Promise<UserView | undefined> {
  const user = email.includes('@') ? await findUser(deps.store, email) : null;
  const hash = user?.passwordHash ?? decoyHash;
  const matches = await deps.hasher.verify(hash, password);
  if (!user || user.passwordHash === null || user.disabled || !matches) return undefined;
  if (deps.hasher.needsRehash(user.passwordHash)) {
    const upgraded = await deps.hasher.hash(password);
    // Best effort: a concurrent change wins, and the next login upgrades instead.
    await changeUser(deps, user.id, `user:${user.email}`, () => ({ passwordHash: upgraded }), {
      expectedVersion: user.version,
    }).catch(() => undefined);
  }
  return userView(user);
}

/**
 * A signed-in user changes their own password: the current one is required (ASVS V6.2.3), the new
 * one policy-checked; every session of the account ends (the caller signs in again).
 * UNAUTHENTICATED when the current password is wrong.
 */
export async function changeOwnPassword(
  deps: AccountDependencies,
  userId: string,
  currentPassword: string,
  newPassword: string,
): Promise<UserView> {
  const user = await findUser(deps.store, userId);
  if (
    !user ||
    user.passwordHash === null ||
    !(await deps.hasher.verify(user.passwordHash, currentPassword))
  )
    throw new MarketPulseError('UNAUTHENTICATED', 'the current password is wrong');
  return setPassword(deps, userId, newPassword, `user:${user.email}`);
}
