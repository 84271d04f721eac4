import { createRoute, z } from '@hono/zod-openapi';
import {
  ACCESS_TOKEN,
  addUser,
  changeOwnPassword,
  getUser,
  type Mailer,
  MarketPulseError,
  type NewUser,
  refreshSignIn,
  requestPasswordReset,
  resetPassword,
  type SignedIn,
  signIn,
  signOut,
} from '@market-pulse/core';
import { sourceOf } from '../account-services.js';
import type { AccessLogger, AppDependencies } from '../dependencies.js';
import { area, jsonBody, jsonResponse, operationsOf } from '../operations.js';
import { accountsOf, NewUserSchema, UserSchema } from './account-schemas.js';

const Credentials = z
  .object({
    email: z.string().max(254).openapi({ example: 'ann@desk.example.com' }),
    password: z.string().max(1024),
  })
  .openapi('Credentials');
const Tokens = z
  .object({
    tokenType: z.literal('Bearer'),
    accessToken: z.string(),
    accessTokenExpiresAt: z.string(),
    expiresIn: z.number().int().openapi({ description: 'Seconds the access token lives' }),
    refreshToken: z.string().openapi({
      description:
        'Opaque, one use: each refresh returns a new one (a reused one ends the session)',
    }),
  })
  .openapi('Tokens');
const Me = z
  .object({
    kind: z.enum(['user', 'api-key', 'local']),
    id: z.string(),
    actor: z.string(),
    role: z.string(),
    assetClasses: z.array(z.string()),
    clo: z.string().nullable(),
    user: UserSchema.optional(),
  })
  .openapi('Me');
const Message = z.object({ message: z.string() }).openapi('Message');

const tokensOf = (signedIn: SignedIn) => ({
  tokenType: 'Bearer' as const,
  accessToken: signedIn.accessToken,
  accessTokenExpiresAt: signedIn.accessTokenExpiresAt,
  expiresIn: ACCESS_TOKEN.lifetimeMinutes * 60,
  refreshToken: signedIn.refreshToken,
});

/**
 * A mailer that returns at once and sends afterwards: the answer to forgot-password must not take
 * longer when the address has an account (the mail) than when it has none. Without a configured
 * mailer the mail is dropped with a warning (never the link: it holds the one-time token).
 */
function deferredMailer(mailer: Mailer | undefined, logger: AccessLogger | undefined): Mailer {
  return {
    send: async (message) => {
      if (!mailer) {
        logger?.warn(
          { to: message.to },
          'no mailer configured: a password reset mail was not sent (configure SMTP, or set the password with `market-pulse users passwd`)',
        );
        return { id: 'dropped' };
      }
      mailer.send(message).catch((err) => logger?.error({ err }, 'a password reset mail failed'));
      return { id: 'queued' };
    },
  };
}

/** `/api/auth/*`: sign in and out, refresh, who am I, own password, forgot/reset, register. */
export function authArea(deps: AppDependencies) {
  const app = area();
  const op = operationsOf(deps);
  const tags = ['auth'];

  app.openapi(
    op(
      createRoute({
        method: 'post',
        path: '/api/auth/login',
        operationId: 'login',
        summary:
          'Sign in with email and password: an access token (send it as Authorization: Bearer) and a refresh token. One answer (401) for an unknown email and a wrong password; 429 with Retry-After past the limits per account and per source',
        tags,
        request: jsonBody(Credentials, 'The email and password'),
        responses: { 200: jsonResponse(Tokens, 'Signed in') },
      }),
    ),
    async (c) => {
      const accounts = accountsOf(deps);
      const signedIn = await signIn(
        await accounts.auth(),
        c.req.valid('json'),
        sourceOf(c, accounts.trustProxy),
      );
      return c.json(tokensOf(signedIn), 200);
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'post',
        path: '/api/auth/refresh-token',
        operationId: 'refreshToken',
        summary:
          'Trade a refresh token for a new access token and a new refresh token (the old one is retired; presenting it again ends the session)',
        tags,
        request: jsonBody(
          z.object({ refreshToken: z.string().max(300) }).openapi('RefreshRequest'),
          'The refresh token',
        ),
        responses: { 200: jsonResponse(Tokens, 'Refreshed') },
      }),
    ),
    async (c) => {
      const accounts = accountsOf(deps);
      const signedIn = await refreshSignIn(
        await accounts.auth(),
        c.req.valid('json').refreshToken,
        sourceOf(c, accounts.trustProxy),
      );
      return c.json(tokensOf(signedIn), 200);
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'post',
        path: '/api/auth/logout',
        operationId: 'logout',
        summary: "End the access token's session: its refresh token is refused afterwards",
        tags,
        responses: { 200: jsonResponse(Message, 'Signed out') },
      }),
    ),
    async (c) => {
      await signOut(deps, c.get('principal'));
      return c.json({ message: 'signed out' }, 200);
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/auth/me',
        operationId: 'getMe',
        summary: 'Who the request is made as: role, asset classes, CLO (and the account)',
        tags,
        responses: { 200: jsonResponse(Me, 'The caller') },
      }),
    ),
    async (c) => {
      const { kind, id, actor, role, assetClasses, clo } = c.get('principal');
      const user = kind === 'user' ? await getUser(deps.store, id) : undefined;
      return c.json(
        { kind, id, actor, role, assetClasses: [...assetClasses], clo, ...(user ? { user } : {}) },
        200,
      );
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'put',
        path: '/api/auth/change-password',
        operationId: 'changePassword',
        summary:
          'Change your own password (the current one is required); every session of the account ends, sign in again',
        tags,
        request: jsonBody(
          z
            .object({ currentPassword: z.string().max(1024), newPassword: z.string().max(1024) })
            .openapi('PasswordChange'),
          'The current and the new password',
        ),
        responses: { 200: jsonResponse(Message, 'Changed') },
      }),
    ),
    async (c) => {
      const principal = c.get('principal');
      if (principal.kind !== 'user')
        throw new MarketPulseError(
          'FORBIDDEN',
          'only an account signed in with a password can change its password',
        );
      const { currentPassword, newPassword } = c.req.valid('json');
      await changeOwnPassword(
        await accountsOf(deps).auth(),
        principal.id,
        currentPassword,
        newPassword,
      );
      return c.json({ message: 'password changed; sign in again' }, 200);
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'post',
        path: '/api/auth/forgot-password',
        operationId: 'forgotPassword',
        summary:
          'Mail a one-time reset link (30 minutes) to the address if it has an account; the answer is the same either way',
        tags,
        request: jsonBody(
          z.object({ email: z.string().max(254) }).openapi('ForgotPassword'),
          'The address',
        ),
        responses: {
          202: jsonResponse(Message, 'Accepted (whether or not the address has an account)'),
        },
      }),
    ),
    async (c) => {
      const accounts = accountsOf(deps);
      const auth = await accounts.auth();
      await requestPasswordReset(
        { ...auth, mailer: deferredMailer(accounts.mailer, deps.logger) },
        c.req.valid('json').email,
        sourceOf(c, accounts.trustProxy),
        accounts.resetLink,
      );
      return c.json({ message: 'if the address has an account, a reset link is on its way' }, 202);
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'post',
        path: '/api/auth/reset-password',
        operationId: 'resetPassword',
        summary: "Set a new password with a reset link's token (once); every session ends",
        tags,
        request: jsonBody(
          z
            .object({ token: z.string().max(300), newPassword: z.string().max(1024) })
            .openapi('PasswordReset'),
          'The token and the new password',
        ),
        responses: { 200: jsonResponse(Message, 'The password is set') },
      }),
    ),
    async (c) => {
      const { token, newPassword } = c.req.valid('json');
      await resetPassword(await accountsOf(deps).auth(), token, newPassword);
      return c.json({ message: 'password set; sign in with it' }, 200);
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'post',
        path: '/api/auth/register',
        operationId: 'register',
        summary: 'Create an account (admins only; the same as POST /api/admin/users)',
        tags,
        request: jsonBody(NewUserSchema, 'The account'),
        responses: { 201: jsonResponse(UserSchema, 'Created') },
      }),
    ),
    async (c) => {
      const user = await addUser(
        await accountsOf(deps).auth(),
        c.req.valid('json') as NewUser,
        c.get('principal').actor,
      );
      return c.json(user, 201);
    },
  );
  return app;
}
