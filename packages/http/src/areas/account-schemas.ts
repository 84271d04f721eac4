import { z } from '@hono/zod-openapi';
import { MarketPulseError, ROLES } from '@market-pulse/core';
import type { AccountServices } from '../account-services.js';
import type { AppDependencies } from '../dependencies.js';

/** An account as the API shows it (never a password or its hash). */
export const UserSchema = z
  .object({
    id: z.string(),
    email: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    assetClasses: z.array(z.string()),
    clo: z.string().nullable(),
    disabled: z.boolean(),
    hasPassword: z.boolean(),
    version: z.number().int(),
    createdAt: z.string(),
    createdBy: z.string(),
    updatedAt: z.string(),
    updatedBy: z.string(),
  })
  .openapi('User');

/** The fields of a new account (the password optional: the user may set one through a reset). */
export const NewUserSchema = z
  .strictObject({
    email: z.string().max(254).openapi({ example: 'ann@desk.example.com' }),
    name: z.string().min(1).max(200),
    role: z.enum(ROLES),
    assetClasses: z.array(z.string().min(1).max(100)).max(200).optional().openapi({
      description: 'Asset classes whose sectors the user sees ("*": all; none: no rows)',
    }),
    clo: z.string().min(1).max(100).nullable().optional(),
    password: z.string().max(1024).optional(),
  })
  .openapi('NewUser');

/** The accounts of the host, or 503 when it has none (an embedding without accounts). */
export function accountsOf(deps: AppDependencies): AccountServices {
  if (!deps.accounts)
    throw new MarketPulseError(
      'UNAVAILABLE',
      'this server has no accounts configured (createApp was given no `accounts`)',
    );
  return deps.accounts;
}
