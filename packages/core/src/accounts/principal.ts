import { ALL_ASSET_CLASSES, type Role } from './user.js';

/**
 * Who makes a request, once authenticated: an account (signed in with a password), a service
 * account's API key, or the local operator of a host that has no accounts (an embedding program,
 * a CLI on the data folder's machine). Every change records `actor`; every read is scoped by
 * `assetClasses` and `clo`; `role` decides what may be called.
 */
export interface Principal {
  kind: 'user' | 'api-key' | 'local';
  /** The account id or the API key id (`local` for the local operator). */
  id: string;
  /** The name recorded with every change: `user:<email>` or `apikey:<id>` (never from the request). */
  actor: string;
  role: Role;
  assetClasses: readonly string[];
  clo: string | null;
  /** The session the request's access token belongs to (accounts only). */
  sessionId?: string;
}

/**
 * The operator of a host without accounts: an admin who sees every row and column. Only hosts
 * that are not reachable by desk users (an embedding program, tests) may use it.
 */
export const LOCAL_PRINCIPAL: Principal = Object.freeze({
  kind: 'local',
  id: 'local',
  actor: 'local-operator',
  role: 'admin',
  assetClasses: Object.freeze([ALL_ASSET_CLASSES]),
  clo: null,
});
