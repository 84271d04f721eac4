export {
  ACCESS_TOKEN,
  type AccessClaims,
  accessTokenExpiryMs,
  issueAccessToken,
  verifyAccessToken,
} from './access-tokens.js';
export {
  type AccountReadCache,
  type AccountReadCacheOptions,
  createAccountReadCache,
  MAX_ACCOUNT_CACHE_MS,
} from './account-read-cache.js';
export {
  type ApiKey,
  type ApiKeyDependencies,
  type ApiKeyView,
  apiKeySchema,
  createApiKey,
  listApiKeys,
  type NewApiKey,
  newApiKeySchema,
  revokeApiKey,
  verifyApiKey,
} from './api-keys.js';
export {
  ALL_COLUMNS,
  ALWAYS_VISIBLE_COLUMNS,
  type CloMappings,
  type CloMappingsInput,
  type CloType,
  cloMappingsInputSchema,
  cloMappingsProblems,
  cloMappingsSchema,
  cloTypeSchema,
  columnsOfClo,
  DEFAULT_CLO_MAPPINGS,
  mappableColumns,
  readCloMappings,
  replaceCloMappings,
  resetCloMappings,
} from './clo-mappings.js';
export {
  type Entitled,
  type Entitlements,
  entitlementsSchema,
  readEntitlements,
  type SectorScope,
  sectorScope,
  setAssetClass,
} from './entitlements.js';
export { ensureFirstAdmin } from './first-admin.js';
export {
  type LegacyPermission,
  legacyPermissionsSchema,
  type PermissionsSyncReport,
  parseLegacyPermissions,
  readLegacyPermissions,
  storeLegacyPermissions,
  syncLegacyPermissions,
} from './legacy-permissions.js';
export { PASSWORD_POLICY, passwordProblem } from './password-policy.js';
export {
  type PasswordResetDependencies,
  RESET_TOKEN_MINUTES,
  requestPasswordReset,
  resetPassword,
} from './password-reset.js';
export { LOCAL_PRINCIPAL, type Principal } from './principal.js';
export {
  consumeRateLimit,
  peekRateLimit,
  pruneRateLimits,
  RATE_LIMITS,
  type RateLimit,
  type RateLimitState,
  rateLimited,
  resetRateLimit,
} from './rate-limits.js';
export {
  type ColumnScope,
  columnScope,
  type ReadScope,
  readScopeFor,
  readScopeOf,
  UNRESTRICTED_READ_SCOPE,
} from './read-scope.js';
export {
  EXCLUSION_FIELDS,
  projectExcludedRow,
  projectRow,
  scopeRows,
  scopeWitness,
  visibleColumns,
} from './scope-rows.js';
export {
  checkSession,
  openSession,
  pruneSessions,
  refreshSession,
  revokeSession,
  SESSION_POLICY,
  type Session,
  type SessionDependencies,
  sessionIdOfRefreshToken,
  sessionSchema,
} from './sessions.js';
export {
  type AuthDependencies,
  authenticate,
  refreshSignIn,
  type SignedIn,
  signIn,
  signOut,
} from './sign-in.js';
export { tokenSigningKey } from './signing-key.js';
export { type AccountsUpkeepReport, accountsUpkeep } from './upkeep.js';
export {
  ALL_ASSET_CLASSES,
  type NewUser,
  newUserSchema,
  normalizeEmail,
  ROLES,
  type Role,
  type User,
  type UserChanges,
  type UserView,
  userChangesSchema,
  userSchema,
  userView,
} from './user.js';
export {
  type AccountDependencies,
  addUser,
  changeOwnPassword,
  findUser,
  getUser,
  listUsers,
  removeUser,
  setPassword,
  updateUser,
  userIdOf,
  verifyPassword,
} from './user-store.js';
