import { createRoute, z } from '@hono/zod-openapi';
import {
  addUser,
  createApiKey,
  getUser,
  listApiKeys,
  listUsers,
  type NewApiKey,
  type NewUser,
  ROLES,
  readEntitlements,
  removeUser,
  revokeApiKey,
  setAssetClass,
  setPassword,
  type UserChanges,
  updateUser,
} from '@market-pulse/core';
import type { AppDependencies } from '../dependencies.js';
import {
  IfMatchHeaders,
  PageQuery,
  pageOf,
  pageSchema,
  tagVersion,
  withIfMatch,
} from '../http-conventions.js';
import { area, jsonBody, jsonResponse, operationsOf } from '../operations.js';
import { accountsOf, NewUserSchema, UserSchema } from './account-schemas.js';

const UserRef = z.object({
  user: z
    .string()
    .min(1)
    .max(254)
    .openapi({ param: { name: 'user', in: 'path' }, description: "The account's id or email" }),
});
const KeyId = z.object({
  id: z
    .string()
    .regex(/^[0-9a-f]{16}$/, "an API key's id (16 hex digits)")
    .openapi({ param: { name: 'id', in: 'path' } }),
});
const AssetClassRef = z.object({
  assetClass: z
    .string()
    .min(1)
    .max(100)
    .openapi({ param: { name: 'assetClass', in: 'path' }, example: 'CLO' }),
});
const UserChangesSchema = z
  .strictObject({
    name: z.string().min(1).max(200).optional(),
    role: z.enum(ROLES).optional(),
    assetClasses: z.array(z.string().min(1).max(100)).max(200).optional(),
    clo: z.string().min(1).max(100).nullable().optional(),
    disabled: z.boolean().optional().openapi({
      description: 'true disables the account and ends its sessions; false enables it',
    }),
  })
  .openapi('UserChanges');
const ApiKeySchema = z
  .object({
    id: z.string(),
    name: z.string(),
    role: z.enum(ROLES),
    assetClasses: z.array(z.string()),
    clo: z.string().nullable(),
    createdAt: z.string(),
    createdBy: z.string(),
    revokedAt: z.string().nullable(),
    revokedBy: z.string().nullable(),
  })
  .openapi('ApiKey');
const NewApiKeySchema = z
  .strictObject({
    name: z.string().min(1).max(200),
    role: z.enum(ROLES),
    assetClasses: z.array(z.string().min(1).max(100)).max(200).optional(),
    clo: z.string().min(1).max(100).nullable().optional(),
  })
  .openapi('NewApiKey');
const EntitlementsSchema = z
  .object({
    assetClasses: z.record(z.string(), z.array(z.string())),
    updatedAt: z.string().optional(),
    updatedBy: z.string().optional(),
  })
  .openapi('Entitlements');

/**
 * Administration of accounts, API keys and entitlements (asset class → sectors): what the CLI's
 * `users`, `apikeys` and `entitlements` commands do, for admins over HTTP. Every change records
 * the authenticated admin.
 */
export function adminAccountsArea(deps: AppDependencies) {
  const app = area();
  const op = operationsOf(deps);
  /** An admin operation's route: the common parts written once. */
  const admin = <
    R extends Omit<Parameters<typeof createRoute>[0], 'tags'> & {
      operationId: string;
      summary: string;
    },
  >(
    tag: string,
    route: R,
  ) => op(createRoute({ ...route, tags: [tag] }));
  const actor = (c: { get(key: 'principal'): { actor: string } }) => c.get('principal').actor;
  const auth = () => accountsOf(deps).auth();

  app.openapi(
    admin('users', {
      method: 'get',
      path: '/api/admin/users',
      operationId: 'listUsers',
      summary: 'Every account, by email',
      request: { query: PageQuery },
      responses: { 200: jsonResponse(pageSchema(UserSchema, 'UserPage'), 'A page of accounts') },
    }),
    async (c) => c.json(pageOf(await listUsers(deps.store), c.req.valid('query')), 200),
  );

  app.openapi(
    admin('users', {
      method: 'get',
      path: '/api/admin/users/{user}',
      operationId: 'getUser',
      summary: 'One account (its ETag is its version)',
      request: { params: UserRef },
      responses: { 200: jsonResponse(UserSchema, 'The account') },
    }),
    async (c) => {
      const user = await getUser(deps.store, c.req.valid('param').user);
      tagVersion(c, user.version);
      return c.json(user, 200);
    },
  );

  app.openapi(
    admin('users', {
      method: 'post',
      path: '/api/admin/users',
      operationId: 'createUser',
      summary: 'Create an account (409 when the email has one)',
      request: jsonBody(NewUserSchema, 'The account'),
      responses: { 201: jsonResponse(UserSchema, 'Created') },
    }),
    async (c) => {
      const user = await addUser(await auth(), c.req.valid('json') as NewUser, actor(c));
      tagVersion(c, user.version);
      return c.json(user, 201);
    },
  );

  app.openapi(
    admin('users', {
      method: 'patch',
      path: '/api/admin/users/{user}',
      operationId: 'updateUser',
      summary:
        'Change name, role, asset classes, CLO or disabled (disabling ends the sessions; the last enabled admin stays)',
      request: {
        params: UserRef,
        headers: IfMatchHeaders,
        ...jsonBody(UserChangesSchema, 'The fields to change'),
      },
      responses: { 200: jsonResponse(UserSchema, 'The account as stored') },
    }),
    async (c) => {
      const { user: ref } = c.req.valid('param');
      const user = await withIfMatch(c.req.valid('header')['if-match'], (version) =>
        updateUser(deps, ref, c.req.valid('json') as UserChanges, actor(c), {
          ...(version === undefined ? {} : { expectedVersion: version }),
        }),
      );
      tagVersion(c, user.version);
      return c.json(user, 200);
    },
  );

  app.openapi(
    admin('users', {
      method: 'put',
      path: '/api/admin/users/{user}/password',
      operationId: 'setUserPassword',
      summary: "Set an account's password (policy-checked); its sessions end",
      request: {
        params: UserRef,
        ...jsonBody(
          z.object({ password: z.string().max(1024) }).openapi('NewPassword'),
          'The password',
        ),
      },
      responses: { 200: jsonResponse(UserSchema, 'The account as stored') },
    }),
    async (c) => {
      const user = await setPassword(
        await auth(),
        c.req.valid('param').user,
        c.req.valid('json').password,
        actor(c),
      );
      tagVersion(c, user.version);
      return c.json(user, 200);
    },
  );

  app.openapi(
    admin('users', {
      method: 'delete',
      path: '/api/admin/users/{user}',
      operationId: 'deleteUser',
      summary: 'Remove an account (the last enabled admin stays)',
      request: { params: UserRef, headers: IfMatchHeaders },
      responses: { 204: { description: 'Removed' } },
    }),
    async (c) => {
      const { user: ref } = c.req.valid('param');
      await withIfMatch(c.req.valid('header')['if-match'], (version) =>
        removeUser(deps, ref, version === undefined ? {} : { expectedVersion: version }),
      );
      return c.body(null, 204);
    },
  );

  app.openapi(
    admin('api-keys', {
      method: 'get',
      path: '/api/admin/api-keys',
      operationId: 'listApiKeys',
      summary: 'Every API key (revoked ones marked; never a secret)',
      request: { query: PageQuery },
      responses: { 200: jsonResponse(pageSchema(ApiKeySchema, 'ApiKeyPage'), 'A page of keys') },
    }),
    async (c) => c.json(pageOf(await listApiKeys(deps.store), c.req.valid('query')), 200),
  );

  app.openapi(
    admin('api-keys', {
      method: 'post',
      path: '/api/admin/api-keys',
      operationId: 'createApiKey',
      summary:
        'Create an API key for a service account; `token` (send as Authorization: Bearer) is shown this once only',
      request: jsonBody(NewApiKeySchema, 'The key'),
      responses: {
        201: jsonResponse(
          ApiKeySchema.extend({ token: z.string() }).openapi('NewApiKeyToken'),
          'Created, with its token',
        ),
      },
    }),
    async (c) => {
      const { random } = await auth();
      const key = await createApiKey(
        { store: deps.store, clock: deps.clock, random },
        c.req.valid('json') as NewApiKey,
        actor(c),
      );
      return c.json(key, 201);
    },
  );

  app.openapi(
    admin('api-keys', {
      method: 'delete',
      path: '/api/admin/api-keys/{id}',
      operationId: 'revokeApiKey',
      summary:
        'Revoke an API key (refused at once by this process, by others within MP_ACCOUNTS_CACHE_MS; kept in the list, marked)',
      request: { params: KeyId },
      responses: { 200: jsonResponse(ApiKeySchema, 'The key, revoked') },
    }),
    async (c) => c.json(await revokeApiKey(deps, c.req.valid('param').id, actor(c)), 200),
  );

  app.openapi(
    admin('entitlements', {
      method: 'get',
      path: '/api/admin/entitlements',
      operationId: 'listEntitlements',
      summary: 'The asset classes and the sectors each holds',
      responses: { 200: jsonResponse(EntitlementsSchema, 'The entitlements') },
    }),
    async (c) => c.json(await readEntitlements(deps.store), 200),
  );

  app.openapi(
    admin('entitlements', {
      method: 'put',
      path: '/api/admin/entitlements/{assetClass}',
      operationId: 'setEntitlement',
      summary: 'Set the sectors of an asset class (compared case-insensitively)',
      request: {
        params: AssetClassRef,
        ...jsonBody(
          z
            .object({ sectors: z.array(z.string().min(1).max(200)).min(1).max(10_000) })
            .openapi('Sectors'),
          'The sectors',
        ),
      },
      responses: { 200: jsonResponse(EntitlementsSchema, 'The entitlements as stored') },
    }),
    async (c) =>
      c.json(
        await setAssetClass(
          deps,
          c.req.valid('param').assetClass,
          c.req.valid('json').sectors,
          actor(c),
        ),
        200,
      ),
  );

  app.openapi(
    admin('entitlements', {
      method: 'delete',
      path: '/api/admin/entitlements/{assetClass}',
      operationId: 'deleteEntitlement',
      summary: 'Remove an asset class (its users see none of its sectors)',
      request: { params: AssetClassRef },
      responses: { 200: jsonResponse(EntitlementsSchema, 'The entitlements as stored') },
    }),
    async (c) =>
      c.json(await setAssetClass(deps, c.req.valid('param').assetClass, [], actor(c)), 200),
  );
  return app;
}
