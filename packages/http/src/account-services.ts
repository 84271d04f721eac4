import {
  type AuthDependencies,
  accessTokenExpiryMs,
  authenticate,
  type Clock,
  isMarketPulseError,
  type Mailer,
  type ObjectStore,
  type PasswordHasher,
  type Principal,
  type RandomSource,
  tokenSigningKey,
} from '@market-pulse/core';
import type { Context } from 'hono';
import { HttpProblem } from './problems.js';

/** What the accounts routes and request authentication need (see {@link accountServicesOf}). */
export interface AccountServices {
  /** Core's sign-in dependencies, built once on first use (the signing key is read or created in the store). */
  auth(): Promise<AuthDependencies>;
  /** Where reset mails go; without one, forgot-password answers as usual and logs that no mail was sent. */
  mailer?: Mailer;
  /** The link a reset mail carries, around the one-time token. */
  resetLink(token: string): string;
  /**
   * Whether the client's address may be taken from `X-Forwarded-For` (its last entry, the one the
   * proxy in front of this server appended). Off: the TCP peer's address, which behind a proxy is
   * the proxy's (every client then shares one per-source limit).
   */
  trustProxy: boolean;
}

/** The parts of an account host {@link accountServicesOf} wires. */
export interface AccountHost {
  store: ObjectStore;
  clock: Clock;
  hasher: PasswordHasher;
  random: RandomSource;
  mailer?: Mailer;
  /** The configured signing key (64+ hex digits); else one generated once and kept in the store. */
  signingKey?: string;
  /** The link a reset mail carries (default: `/reset-password?token=…`, for the front end). */
  resetLink?(token: string): string;
  trustProxy?: boolean;
}

/** Account services over a host's store, clock, hasher and random source. */
export function accountServicesOf(host: AccountHost): AccountServices {
  let built: Promise<AuthDependencies> | undefined;
  const build = async (): Promise<AuthDependencies> => ({
    store: host.store,
    clock: host.clock,
    hasher: host.hasher,
    random: host.random,
    signingKey: await tokenSigningKey(host.store, host.random, host.signingKey),
    // A hash of random bytes: verified when the email has no account, at a real hash's cost.
    decoyHash: await host.hasher.hash(
      Array.from(host.random.bytes(16), (b) => b.toString(16)).join(''),
    ),
  });
  return {
    auth: () => {
      built ??= build().catch((err) => {
        built = undefined;
        throw err;
      });
      return built;
    },
    ...(host.mailer ? { mailer: host.mailer } : {}),
    resetLink: host.resetLink ?? ((token) => `/reset-password?token=${encodeURIComponent(token)}`),
    trustProxy: host.trustProxy ?? false,
  };
}

/**
 * Request authentication by bearer token: `Authorization: Bearer <access token>` (from login or
 * refresh) or `Authorization: Bearer mpk_…` (an API key). Resolves `undefined` when the request
 * carries no credentials; a credential that is not valid is 401 (core's UNAUTHENTICATED).
 */
export function bearerAuthentication(
  accounts: Pick<AccountServices, 'auth'> & {
    /** Keeps a token's principal (see `createAccountReadCache`'s `remember`); default: none. */
    remember?(token: string, check: (store: ObjectStore) => Promise<Principal>): Promise<Principal>;
  },
): (request: Request) => Promise<Principal | undefined> {
  return async (request) => {
    const header = request.headers.get('authorization');
    if (header === null || header.trim() === '') return undefined;
    const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (!match)
      throw new HttpProblem(
        401,
        'UNAUTHENTICATED',
        'the Authorization header must be "Bearer <access token or API key>"',
      );
    const token = match[1] as string;
    const auth = await accounts.auth();
    if (!accounts.remember) return authenticate(auth, token);
    const principal = await accounts.remember(token, (store) =>
      authenticate({ ...auth, store }, token),
    );
    // A kept principal is used no longer than its access token lives (API keys have no expiry).
    const expiresMs = token.startsWith('mpk_') ? undefined : accessTokenExpiryMs(token);
    if (expiresMs !== undefined && auth.clock.now().getTime() >= expiresMs)
      return authenticate(auth, token);
    return principal;
  };
}

/**
 * The client's address, for per-source limits: the TCP peer (Node server), the source IP of an
 * API Gateway / function URL event, or — with `trustProxy` — the last `X-Forwarded-For` entry.
 */
export function sourceOf(c: Context, trustProxy: boolean): string {
  if (trustProxy) {
    const forwarded = c.req.header('x-forwarded-for')?.split(',').at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  const env = c.env as
    | {
        incoming?: { socket?: { remoteAddress?: string } };
        requestContext?: { http?: { sourceIp?: string }; identity?: { sourceIp?: string } };
      }
    | undefined;
  return (
    env?.incoming?.socket?.remoteAddress ??
    env?.requestContext?.http?.sourceIp ??
    env?.requestContext?.identity?.sourceIp ??
    'unknown'
  );
}

/** Whether an error is core's UNAUTHENTICATED (a 401 that needs `WWW-Authenticate`). */
export const isUnauthenticated = (err: unknown) =>
  isMarketPulseError(err, 'UNAUTHENTICATED') || (err instanceof HttpProblem && err.status === 401);
