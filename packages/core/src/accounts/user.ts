import { z } from 'zod';

/** What a user may do (SPEC §10): `admin` everything, `user` read/search/sessions/uploads/run now, `viewer` read and search. */
export const ROLES = ['admin', 'user', 'viewer'] as const;
/** One of {@link ROLES}. */
export type Role = (typeof ROLES)[number];

/** The asset class that stands for every sector (given to the first admin). */
export const ALL_ASSET_CLASSES = '*';

/** An email as accounts compare it: trimmed and lower-cased (one account per address). */
export const normalizeEmail = (email: string) => email.trim().toLowerCase();

// Deliberately loose (one @, a dot in the domain, no spaces): the address is proven by the reset
// mail, not by a pattern.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** A stored account (the password hash never leaves core's account functions). */
export const userSchema = z.object({
  /** Derived from the email (see `userIdOf`): one account per address, race-free. */
  id: z.string().regex(/^[0-9a-f]{32}$/),
  email: z.string().max(254).regex(EMAIL, 'not an email address'),
  name: z.string().trim().min(1).max(200),
  role: z.enum(ROLES),
  /** Asset classes the user is entitled to (see entitlements); none means no rows at all. */
  assetClasses: z.array(z.string().trim().min(1).max(100)).max(200),
  /** The user's CLO type, which decides the columns they see (null: the default columns). */
  clo: z.string().trim().min(1).max(100).nullable(),
  disabled: z.boolean(),
  /** PHC string; null until a password is set (e.g. by a reset). */
  passwordHash: z.string().nullable(),
  /** Sessions and tokens issued before this instant are no longer valid (password change, disable). */
  sessionsValidFrom: z.string(),
  /**
   * Counts the changes that ended the account's sessions (absent: none yet). A session carries the
   * generation it was opened under, so one opened in the same millisecond as a password change —
   * or by a sign-in that checked the old password — is ended by it all the same.
   */
  sessionGeneration: z.number().int().nonnegative().optional(),
  version: z.number().int().positive(),
  createdAt: z.string(),
  createdBy: z.string(),
  updatedAt: z.string(),
  updatedBy: z.string(),
});

/** A stored account. */
export type User = z.infer<typeof userSchema>;
/** An account as shown to anyone: everything but the password hash. */
export type UserView = Omit<User, 'passwordHash'> & { hasPassword: boolean };

/** The account without its password hash. */
export function userView(user: User): UserView {
  const { passwordHash, ...rest } = user;
  return { ...rest, hasPassword: passwordHash !== null };
}

/** The fields a caller gives to create an account. */
export const newUserSchema = z.strictObject({
  email: z.string().transform(normalizeEmail).pipe(userSchema.shape.email),
  name: userSchema.shape.name,
  role: userSchema.shape.role,
  assetClasses: userSchema.shape.assetClasses.default([]),
  clo: userSchema.shape.clo.default(null),
  password: z.string().optional(),
});
/** Input of `addUser`. */
export type NewUser = z.input<typeof newUserSchema>;

/** The fields a caller may change (each optional). */
export const userChangesSchema = z.strictObject({
  name: userSchema.shape.name.optional(),
  role: userSchema.shape.role.optional(),
  assetClasses: userSchema.shape.assetClasses.optional(),
  clo: userSchema.shape.clo.optional(),
  disabled: z.boolean().optional(),
});
/** Input of `updateUser`. */
export type UserChanges = z.input<typeof userChangesSchema>;
