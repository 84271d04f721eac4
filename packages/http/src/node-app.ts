import {
  type Clock,
  createAccountReadCache,
  createDashboardReader,
  type Mailer,
  MarketPulseError,
  type PasswordHasher,
  type RandomSource,
  readColors,
  readColumnConfig,
  readScopeFor,
} from '@market-pulse/core';
import {
  argon2Hasher,
  bytesInput,
  type NodeConfig,
  type NodeHost,
  randomIds,
  spreadsheetCodec,
  spreadsheetColorSource,
  systemClock,
  systemRandom,
  templateCsv,
  templateXlsx,
} from '@market-pulse/node';
import { accountServicesOf, bearerAuthentication } from './account-services.js';
import type { AccessLogger, AppDependencies, ParsedUpload } from './dependencies.js';

/** Configuration keys whose values are never shown (`/api/admin/system-status`). */
const SECRET = /pass(word)?|secret|token|credential|private|api[-_]?key/i;

/** `value` with every field whose name looks like a secret replaced by `***`. */
export function maskSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskSecrets);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => [
      k,
      SECRET.test(k) && v !== undefined ? '***' : maskSecrets(v),
    ]),
  );
}

/** How a Node process serves the app: its host, configuration, version and logs. */
export interface NodeAppOptions {
  host: NodeHost;
  config: NodeConfig;
  version: string;
  /** Origins allowed to call from a browser (`MP_CORS_ORIGINS`). */
  corsOrigins?: readonly string[];
  logger?: AccessLogger;
  /** Where password reset mails go (none yet: the SMTP adapter comes with notifications). */
  mailer?: Mailer;
  /** Test seams: the clock, password hasher and random source (default: system, Argon2id, crypto). */
  clock?: Clock;
  hasher?: PasswordHasher;
  random?: RandomSource;
}

/**
 * The app's dependencies over a Node host (`openNodeHost`): every non-public operation needs a
 * bearer token (accounts over the host's store, Argon2id passwords); uploads are read with the
 * configured limits and parse options from the request's bytes in memory, and templates made in
 * memory — nothing touches the local disk (a Lambda's or a replica's disk is neither shared nor
 * kept); each request sees what its principal may (`readScopeFor`: asset classes and CLO mappings).
 *
 * @example
 * ```ts
 * const app = createApp(appDependenciesOf({ host, config, version: '0.1.0' }));
 * ```
 */
export function appDependenciesOf(options: NodeAppOptions): AppDependencies {
  const { host, config } = options;
  const clock = options.clock ?? systemClock;
  const publicUrl = config.accounts.publicUrl;
  // Session, account, entitlements and CLO-mapping documents trusted for MP_ACCOUNTS_CACHE_MS:
  // requests read them through `reader`; every write of this app goes through `writer`, which
  // drops the written document's copy (this process's own revocations apply at once).
  const accountDocuments = createAccountReadCache({
    store: host.store,
    clock,
    windowMs: config.accounts.cacheMs,
  });
  const store = accountDocuments.writer;
  const accounts = accountServicesOf({
    store,
    clock,
    hasher: options.hasher ?? argon2Hasher(),
    random: options.random ?? systemRandom,
    ...(options.mailer ? { mailer: options.mailer } : {}),
    ...(config.accounts.tokenSigningKey ? { signingKey: config.accounts.tokenSigningKey } : {}),
    ...(publicUrl
      ? {
          resetLink: (token: string) =>
            new URL(`reset-password?token=${encodeURIComponent(token)}`, publicUrl).href,
        }
      : {}),
    trustProxy: config.http.trustProxy,
  });
  return {
    store,
    clock,
    accounts,
    // A token's principal is kept with the documents it was checked against (same window, dropped
    // by this process's account writes); the token's own expiry may be seen up to the window late.
    authenticate: bearerAuthentication({
      auth: async () => ({ ...(await accounts.auth()), store: accountDocuments.reader }),
      remember: (token, check) => accountDocuments.remember(`principal\u0000${token}`, check),
    }),
    ids: randomIds,
    pipeline: host.pipeline,
    codec: spreadsheetCodec,
    businessTimeZone: config.businessTimeZone,
    // One resident index per process, refreshed by data version (see the http README).
    dashboard: createDashboardReader({
      store: host.store,
      clock: systemClock,
      businessTimeZone: config.businessTimeZone,
      freshnessMs: config.dashboard.freshnessMs,
      maxRows: config.dashboard.maxRows,
    }),
    version: options.version,
    limits: { uploadBytes: config.uploadLimits.maxBytes },
    ...(options.corsOrigins ? { corsOrigins: options.corsOrigins } : {}),
    ...(options.logger ? { logger: options.logger } : {}),
    readUpload: async (fileName, bytes) => {
      const format = /\.(xlsx|csv)$/i.exec(fileName)?.[1]?.toLowerCase();
      if (!format)
        throw new MarketPulseError(
          'UNSUPPORTED_MEDIA_TYPE',
          `${fileName}: upload an .xlsx or .csv file (the name's extension says which)`,
          { details: { fileName } },
        );
      // Named by its format only: the upload's own name may hold anything (paths, NUL, 400
      // characters), and messages name the upload by the name the caller gave.
      const source = spreadsheetColorSource(bytesInput(fileName, bytes), {
        format: format as 'xlsx' | 'csv',
        limits: config.uploadLimits,
        parse: config.parse,
      });
      const parsed = await readColors(source, { columns: await readColumnConfig(host.store) });
      return { ...parsed, contentHash: await source.contentHash() } satisfies ParsedUpload;
    },
    template: async (format) => {
      const columns = await readColumnConfig(host.store);
      return format === 'csv'
        ? new TextEncoder().encode(templateCsv(columns))
        : templateXlsx(columns);
    },
    status: (checkedBy) => host.status(checkedBy),
    // Two small documents, kept for the window like the account's (see above).
    scopeOf: (principal) =>
      accountDocuments.remember(
        `scope\u0000${principal.kind}\u0000${principal.assetClasses.join(',')}\u0000${principal.clo ?? ''}`,
        (reader) => readScopeFor(reader, principal),
      ),
    configuration: () => maskSecrets(config) as Record<string, unknown>,
  };
}
