import type { Principal, Role } from '@market-pulse/core';

/**
 * Who may call an operation: `public` (anyone, no credentials), else the minimum role. Roles are
 * ordered (SPEC §10): `admin` ⊃ `user` ⊃ `viewer`.
 */
export type Access = 'public' | Role;

const RANK: Readonly<Record<Role, number>> = { viewer: 1, user: 2, admin: 3 };

/**
 * The one authorisation table (SPEC §10): every operation of the API by its `operationId`.
 * `viewer` reads and searches; `user` also uploads and runs now; `admin` does everything else
 * (rules, jobs, schedule settings, hiding/restoring runs, clearing the buffer, accounts). The
 * first implementation's paths are classified like the operation they answer as. An operation
 * missing here makes {@link createApp} refuse to build.
 */
export const ACCESS_TABLE = {
  // system
  getHealth: 'public',
  getReady: 'public',
  getVersion: 'public',
  getSystemStatus: 'admin',
  getColumns: 'viewer',
  replaceColumns: 'admin',
  putColumn: 'admin',
  deleteColumn: 'admin',
  resetColumns: 'admin',
  // search (SPEC §10: viewers read and search)
  searchColors: 'viewer',
  legacySearchByIdentifier: 'viewer',
  exportSearch: 'viewer',
  // accounts: the sign-in paths are public, the rest needs a signed-in principal
  login: 'public',
  refreshToken: 'public',
  forgotPassword: 'public',
  resetPassword: 'public',
  logout: 'viewer',
  getMe: 'viewer',
  changePassword: 'viewer',
  register: 'admin',
  // administration of accounts, API keys and entitlements
  listUsers: 'admin',
  getUser: 'admin',
  createUser: 'admin',
  updateUser: 'admin',
  setUserPassword: 'admin',
  deleteUser: 'admin',
  listApiKeys: 'admin',
  createApiKey: 'admin',
  revokeApiKey: 'admin',
  listEntitlements: 'admin',
  setEntitlement: 'admin',
  deleteEntitlement: 'admin',
  getCloMappings: 'admin',
  replaceCloMappings: 'admin',
  resetCloMappings: 'admin',
  // reading the data
  listColors: 'viewer',
  getDashboardStats: 'viewer',
  listRuns: 'viewer',
  legacyListRestoreRuns: 'viewer',
  getRun: 'viewer',
  listRunRows: 'viewer',
  listRunExcluded: 'viewer',
  listRunErrors: 'viewer',
  exportRunRows: 'viewer',
  exportRunExcluded: 'viewer',
  exportRunErrors: 'viewer',
  exportColors: 'viewer',
  // runs
  runNow: 'user',
  hideRun: 'admin',
  restoreRun: 'admin',
  legacyRollbackRun: 'admin',
  // the upload buffer
  listUploads: 'viewer',
  getUpload: 'viewer',
  getUploadTemplate: 'viewer',
  legacyManualColorsTemplate: 'viewer',
  addUpload: 'user',
  legacyUploadExcel: 'user',
  cancelUpload: 'user',
  getUploadOriginal: 'user',
  clearUploads: 'admin',
  legacyClearManualColors: 'admin',
  // rules
  listRules: 'viewer',
  listActiveRules: 'viewer',
  listRuleOperators: 'viewer',
  exportRules: 'viewer',
  getRule: 'viewer',
  dryRunRules: 'user',
  dryRunRulesOnRun: 'user',
  createRule: 'admin',
  updateRule: 'admin',
  deleteRule: 'admin',
  toggleRule: 'admin',
  importRules: 'admin',
  // jobs and the schedule
  listJobs: 'viewer',
  legacyListCronJobs: 'viewer',
  getJob: 'viewer',
  listFires: 'viewer',
  legacyListCronLogs: 'viewer',
  listJobFires: 'viewer',
  listJobNextFires: 'viewer',
  getNextRun: 'viewer',
  getScheduleCalendar: 'viewer',
  getScheduleSettings: 'viewer',
  listSchedulePresets: 'viewer',
  runJobNow: 'user',
  legacyRunCronJobNow: 'user',
  createJob: 'admin',
  legacyCreateCronJob: 'admin',
  updateJob: 'admin',
  legacyUpdateCronJob: 'admin',
  deleteJob: 'admin',
  legacyDeleteCronJob: 'admin',
  toggleJob: 'admin',
  legacyToggleCronJob: 'admin',
  updateScheduleSettings: 'admin',
} as const satisfies Record<string, Access>;

/**
 * Pages that are not API operations and are public: `/openapi.json` and the docs page `/docs`
 * with its assets.
 */
export const PUBLIC_PAGES = ['/openapi.json', '/docs'] as const;

/** The access of an operation; throws (the app refuses to build) for an unclassified one. */
export function accessOf(
  operationId: string,
  table: Readonly<Record<string, Access>> = ACCESS_TABLE,
): Access {
  const access = Object.hasOwn(table, operationId) ? table[operationId] : undefined;
  if (access === undefined)
    throw new Error(
      `operation ${operationId} is not in the access table (packages/http/src/access-table.ts): classify it as public, viewer, user or admin`,
    );
  return access;
}

/** Whether `principal`'s role reaches `access` (every principal reaches `public`). */
export function reaches(principal: Pick<Principal, 'role'>, access: Access): boolean {
  return access === 'public' || RANK[principal.role] >= RANK[access];
}
