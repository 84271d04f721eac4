import type { Role } from './user.js';

/**
 * Who makes a request, once authenticated: an account (signed in with a password) or a service
 * account's API key. Every change records `actor`; every read is scoped by `assetClasses` and
 * `clo`; `role` decides what may be called.
 */
export interface Principal {
  kind: 'user' | 'api-key';
  /** The account id or the API key id. */
  id: string;
  /** The name recorded with every change: `user:<email>` or `apikey:<id>` (never from the request). */
  actor: string;
  role: Role;
  assetClasses: readonly string[];
  clo: string | null;
  /** The session the request's access token belongs to (accounts only). */
  sessionId?: string;
}
