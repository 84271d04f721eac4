import {
  DEFAULT_SECTOR_FORMATS,
  type ImpreciseIdPolicy,
  MAX_ACCOUNT_CACHE_MS,
  MarketPulseError,
  type SectorFormat,
  timeZoneSchema,
} from '@market-pulse/core';
import { z } from 'zod';
import { DEFAULT_SPREADSHEET_LIMITS } from './spreadsheets/upload-safety.js';

const positiveInt = z.coerce.number().int().positive();

/** `csv`, `xlsx` or both (`xlsx,csv`): the formats of the per-sector export files. */
const sectorFormats = z
  .string()
  .transform((list) => list.split(',').map((format) => format.trim().toLowerCase()))
  .pipe(
    z
      .array(z.enum(['csv', 'xlsx'], { error: 'expected csv, xlsx or both (xlsx,csv)' }))
      .refine((formats) => new Set(formats).size === formats.length, 'a format is listed twice'),
  );
/** Browser origins (`scheme://host[:port]`), comma-separated; each must be an origin, not a URL path. */
const origins = z
  .string()
  .transform((list) =>
    list
      .split(',')
      .map((origin) => origin.trim())
      .filter((o) => o !== ''),
  )
  .pipe(
    z.array(
      z
        .string()
        .refine(
          (o) => URL.canParse(o) && new URL(o).origin === o,
          'each entry must be an origin like https://desk.example.com (scheme, host, optional port; no path or trailing slash)',
        ),
    ),
  );
const flag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

/** Every environment variable Market Pulse reads, with its default (documented in the README). */
const envSchema = z.object({
  MP_DATA_DIR: z.string().min(1).default('./market-pulse-data'),
  MP_STORE: z
    .string()
    .regex(/^(s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[A-Za-z0-9._/-]*)?|file:\/\/.+)$/, {
      error:
        'expected s3://<bucket>/<prefix> (a bucket name of 3-63 characters a-z 0-9 . -, a prefix of A-Z a-z 0-9 . _ - /) or file://<data folder>',
    })
    .optional(),
  MP_EXPORTS: z
    .string()
    .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[A-Za-z0-9._/-]*)?$/, {
      error:
        'expected s3://<bucket>/<prefix> (the prefix may be empty: the exports then land at the bucket root)',
    })
    .optional(),
  MP_JOB_S3_SOURCES: z
    .string()
    .transform((list) =>
      list
        .split(',')
        .map((p) => p.trim())
        .filter(Boolean),
    )
    .pipe(
      z.array(
        z
          .string()
          .regex(
            /^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\/([A-Za-z0-9._/-]*\/)?$/,
            'each entry must be s3://<bucket>/ or s3://<bucket>/<prefix>/ (ending in /)',
          ),
      ),
    )
    .default([]),
  MP_S3_ENDPOINT: z
    .url({ error: 'expected the S3 server URL, e.g. http://127.0.0.1:7480' })
    .optional(),
  MP_S3_REGION: z.string().min(1).optional(),
  MP_S3_FORCE_PATH_STYLE: flag.default(false),
  MP_SOURCE: z.string().min(1).optional(),
  MP_RANK_DATE_FIELD: z.enum(['DATE_1', 'DATE']).default('DATE_1'),
  MP_BUSINESS_TZ: timeZoneSchema.default('America/New_York'),
  MP_UPLOAD_MAX_BYTES: positiveInt.default(DEFAULT_SPREADSHEET_LIMITS.maxBytes),
  MP_UPLOAD_MAX_ZIP_ENTRIES: positiveInt.default(DEFAULT_SPREADSHEET_LIMITS.maxZipEntries),
  MP_UPLOAD_MAX_UNCOMPRESSED_BYTES: positiveInt.default(
    DEFAULT_SPREADSHEET_LIMITS.maxUncompressedBytes,
  ),
  MP_UPLOAD_MAX_COMPRESSION_RATIO: positiveInt.default(
    DEFAULT_SPREADSHEET_LIMITS.maxCompressionRatio,
  ),
  MP_GUARD_MIN_SOURCE_ROWS: z.coerce.number().int().nonnegative().default(0),
  MP_GUARD_REJECT_UNCHANGED_SOURCE: flag.default(false),
  MP_GUARD_MAX_QUOTE_AGE_DAYS: positiveInt.optional(),
  MP_SECTOR_EXPORT_FORMATS: sectorFormats.default([...DEFAULT_SECTOR_FORMATS]),
  MP_DECIMAL_SEPARATOR: z
    .enum(['.', ','], {
      error: 'expected "." or "," (the decimal separator of ;- and tab-delimited CSV files)',
    })
    .default('.'),
  MP_IMPRECISE_ID: z
    .enum(['keep', 'reject'], {
      error: 'expected keep or reject (what to do with a MESSAGE_ID number cell beyond 2^53−1)',
    })
    .default('keep'),
  MP_LEASE_TTL_SECONDS: positiveInt.default(60),
  MP_HEARTBEAT_SECONDS: positiveInt.default(15),
  MP_PORT: z.coerce.number().int().min(0).max(65_535).default(3334),
  MP_HOST: z.string().min(1).default('127.0.0.1'),
  MP_CORS_ORIGINS: origins.default([]),
  MP_TRUST_PROXY: flag.default(false),
  MP_TOKEN_SIGNING_KEY: z.string().min(1).optional(),
  MP_ADMIN_EMAIL: z.string().min(3).optional(),
  MP_ADMIN_PASSWORD_FILE: z.string().min(1).optional(),
  MP_PUBLIC_URL: z
    .string()
    .refine((u) => URL.canParse(u), 'a URL like https://pulse.desk.example.com/')
    .optional(),
  MP_ACCOUNTS_MAINTENANCE_SECONDS: positiveInt.default(300),
  MP_ACCOUNTS_CACHE_MS: z.coerce
    .number()
    .int()
    .min(0)
    .max(MAX_ACCOUNT_CACHE_MS, `at most ${MAX_ACCOUNT_CACHE_MS} ms (revocation waits this long)`)
    .default(1000),
  MP_DASHBOARD_FRESHNESS_MS: z.coerce.number().int().nonnegative().default(1000),
  MP_DASHBOARD_MAX_ROWS: positiveInt.default(5_000_000),
});

/**
 * The `MP_*` variables {@link loadConfig} reads, each optional (its default applies). Values are
 * read as text; the numeric ones are typed `unknown` (zod's input type of a coerced number).
 *
 * @useDeclaredType
 */
export type EnvironmentVariables = z.input<typeof envSchema>;

/**
 * Where the state lives: the embedded file store in the data folder, or an S3 bucket under a
 * prefix (`MP_STORE=s3://bucket/prefix`), reached at `endpoint` (AWS when unset).
 */
export type StoreConfig =
  | { kind: 'file' }
  | {
      kind: 's3';
      bucket: string;
      prefix: string;
      region: string;
      endpoint: string | undefined;
      forcePathStyle: boolean;
    };

/**
 * Where the standing exports land on S3 (`MP_EXPORTS=s3://bucket/prefix`): the output workbook
 * at `<prefix>/`, the per-sector files at `<prefix>/processed_colors/<SECTOR>/…`.
 */
export interface ExportsConfig {
  bucket: string;
  /** `''` for the bucket's root. */
  prefix: string;
}

/** The effective configuration of a Node process. */
export interface NodeConfig {
  dataDir: string;
  /** The store (`MP_STORE`); the embedded file store when unset. */
  store: StoreConfig;
  /**
   * Where the exports land on S3 (`MP_EXPORTS`, with an S3 store only). Unset: the root of the
   * store's bucket (so `processed_colors/` is at the top of the bucket, where downstream readers
   * look); with the file store, the data folder's `exports/`.
   */
  exports: ExportsConfig | undefined;
  /** The color source (`MP_SOURCE`): a file path, or an `s3://bucket/key` object. */
  source: string | undefined;
  /**
   * The S3 prefixes (`s3://bucket/prefix/`) a job's own source may name (`MP_JOB_S3_SOURCES`):
   * fires read with the server's credentials, so a job cannot name any object they can read.
   */
  jobS3Sources: readonly string[];
  /** How S3 is reached — the store, the exports, `s3://` sources (`MP_S3_*`, AWS_REGION). */
  s3: { region: string; endpoint: string | undefined; forcePathStyle: boolean };
  rankDateField: 'DATE_1' | 'DATE';
  businessTimeZone: string;
  uploadLimits: {
    maxBytes: number;
    maxZipEntries: number;
    maxUncompressedBytes: number;
    maxCompressionRatio: number;
  };
  guards: {
    minSourceRows: number;
    rejectUnchangedSource: boolean;
    maxQuoteAgeDays: number | undefined;
  };
  lease: { ttlSeconds: number; heartbeatSeconds: number };
  /**
   * Where `serve` listens, the browser origins allowed to call the API (none by default), and
   * whether `X-Forwarded-For` names the client (`MP_TRUST_PROXY`: only behind a proxy that sets it).
   */
  http: { port: number; host: string; corsOrigins: readonly string[]; trustProxy: boolean };
  /** Accounts: the token signing key, the first admin, the reset links' base, maintenance period. */
  accounts: {
    /** 64+ hex digits (`MP_TOKEN_SIGNING_KEY`); unset: generated once and kept in the store. */
    tokenSigningKey: string | undefined;
    /** The first admin, created at the first start of `serve` (`MP_ADMIN_EMAIL`). */
    adminEmail: string | undefined;
    /** A file holding the first admin's password (`MP_ADMIN_PASSWORD_FILE`). */
    adminPasswordFile: string | undefined;
    /** Where users open the product (`MP_PUBLIC_URL`), for the links in reset mails. */
    publicUrl: string | undefined;
    /** Seconds between permission syncs and store clean-ups (`MP_ACCOUNTS_MAINTENANCE_SECONDS`). */
    maintenanceSeconds: number;
    /**
     * How long `serve` trusts a session, account, entitlements or CLO-mappings document it read
     * (`MP_ACCOUNTS_CACHE_MS`, ms, 0 to 60000): a revocation made by another process applies
     * within this; one made by the same process at once.
     */
    cacheMs: number;
  };
  /**
   * The dashboard's resident index: how long a data version read from the store is trusted (ms;
   * 0 reads it on every request) and the most rows it holds.
   */
  dashboard: { freshnessMs: number; maxRows: number };
  /** The formats of the per-sector export files. */
  sectorExportFormats: readonly SectorFormat[];
  /** How color files are read (SPEC §1.2). */
  parse: {
    /** The decimal separator of numbers in `;`- and tab-delimited CSV files. */
    decimalSeparator: '.' | ',';
    /** A MESSAGE_ID number cell beyond 2^53−1: kept marked imprecise, or a row error. */
    impreciseIds: ImpreciseIdPolicy;
  };
}

/**
 * Reads the configuration from environment variables (`MP_*`), with explicit overrides (e.g. CLI
 * flags such as `--data-dir`) winning. Empty variables count as unset. Refuses (VALIDATION_ERROR)
 * with every bad variable named and what it expects.
 *
 * @example
 * ```ts
 * const config = loadConfig(process.env, { MP_DATA_DIR: flags.dataDir });
 * ```
 */
export function loadConfig(
  env: Readonly<Record<string, string | undefined>>,
  overrides: Partial<Record<keyof EnvironmentVariables, string | undefined>> = {},
): NodeConfig {
  const input: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = overrides[key as keyof EnvironmentVariables] ?? env[key];
    if (value !== undefined && value.trim() !== '') input[key] = value.trim();
  }
  const parsed = envSchema.safeParse(input);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (i) => `${String(i.path[0])}=${JSON.stringify(input[String(i.path[0])] ?? '')}: ${i.message}`,
    );
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `invalid configuration: ${problems.join('; ')}`,
      { details: { problems } },
    );
  }
  const e = parsed.data;
  if (e.MP_HEARTBEAT_SECONDS * 2 > e.MP_LEASE_TTL_SECONDS) {
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `invalid configuration: MP_HEARTBEAT_SECONDS (${e.MP_HEARTBEAT_SECONDS}) must be at most half of MP_LEASE_TTL_SECONDS (${e.MP_LEASE_TTL_SECONDS})`,
    );
  }
  const fileDir = e.MP_STORE?.startsWith('file://')
    ? e.MP_STORE.slice('file://'.length)
    : undefined;
  if (
    fileDir &&
    input.MP_DATA_DIR &&
    overrides.MP_DATA_DIR === undefined &&
    fileDir !== input.MP_DATA_DIR
  )
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `invalid configuration: MP_STORE (${e.MP_STORE}) and MP_DATA_DIR (${input.MP_DATA_DIR}) name different data folders: set one of them`,
    );
  if (e.MP_EXPORTS && !e.MP_STORE?.startsWith('s3://'))
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `invalid configuration: MP_EXPORTS (${e.MP_EXPORTS}) needs an S3 store (MP_STORE=s3://<bucket>/<prefix>); the file store writes its exports into the data folder's exports/`,
    );
  return {
    dataDir: overrides.MP_DATA_DIR ?? fileDir ?? e.MP_DATA_DIR,
    store: storeConfigOf(e.MP_STORE, env, e),
    exports: e.MP_EXPORTS ? bucketAndPrefix(e.MP_EXPORTS) : undefined,
    source: e.MP_SOURCE,
    jobS3Sources: e.MP_JOB_S3_SOURCES,
    s3: {
      region: regionOf(env, e),
      endpoint: e.MP_S3_ENDPOINT,
      forcePathStyle: e.MP_S3_FORCE_PATH_STYLE,
    },
    rankDateField: e.MP_RANK_DATE_FIELD,
    businessTimeZone: e.MP_BUSINESS_TZ,
    uploadLimits: {
      maxBytes: e.MP_UPLOAD_MAX_BYTES,
      maxZipEntries: e.MP_UPLOAD_MAX_ZIP_ENTRIES,
      maxUncompressedBytes: e.MP_UPLOAD_MAX_UNCOMPRESSED_BYTES,
      maxCompressionRatio: e.MP_UPLOAD_MAX_COMPRESSION_RATIO,
    },
    guards: {
      minSourceRows: e.MP_GUARD_MIN_SOURCE_ROWS,
      rejectUnchangedSource: e.MP_GUARD_REJECT_UNCHANGED_SOURCE,
      maxQuoteAgeDays: e.MP_GUARD_MAX_QUOTE_AGE_DAYS,
    },
    lease: { ttlSeconds: e.MP_LEASE_TTL_SECONDS, heartbeatSeconds: e.MP_HEARTBEAT_SECONDS },
    http: {
      port: e.MP_PORT,
      host: e.MP_HOST,
      corsOrigins: e.MP_CORS_ORIGINS,
      trustProxy: e.MP_TRUST_PROXY,
    },
    accounts: {
      tokenSigningKey: e.MP_TOKEN_SIGNING_KEY,
      adminEmail: e.MP_ADMIN_EMAIL,
      adminPasswordFile: e.MP_ADMIN_PASSWORD_FILE,
      publicUrl: e.MP_PUBLIC_URL,
      maintenanceSeconds: e.MP_ACCOUNTS_MAINTENANCE_SECONDS,
      cacheMs: e.MP_ACCOUNTS_CACHE_MS,
    },
    dashboard: { freshnessMs: e.MP_DASHBOARD_FRESHNESS_MS, maxRows: e.MP_DASHBOARD_MAX_ROWS },
    sectorExportFormats: e.MP_SECTOR_EXPORT_FORMATS,
    parse: { decimalSeparator: e.MP_DECIMAL_SEPARATOR, impreciseIds: e.MP_IMPRECISE_ID },
  };
}

/** The store an `MP_STORE` value names (with the `MP_S3_*` variables); the file store when unset. */
function storeConfigOf(
  value: string | undefined,
  env: Readonly<Record<string, string | undefined>>,
  e: { MP_S3_ENDPOINT?: string; MP_S3_REGION?: string; MP_S3_FORCE_PATH_STYLE: boolean },
): StoreConfig {
  if (!value?.startsWith('s3://')) return { kind: 'file' };
  return {
    kind: 's3',
    ...bucketAndPrefix(value),
    region: regionOf(env, e),
    endpoint: e.MP_S3_ENDPOINT,
    forcePathStyle: e.MP_S3_FORCE_PATH_STYLE,
  };
}

/** The bucket and prefix of an `s3://bucket/prefix` URL (validated by the schema). */
function bucketAndPrefix(url: string): { bucket: string; prefix: string } {
  const [bucket = '', ...rest] = url.slice('s3://'.length).split('/');
  return { bucket, prefix: rest.filter(Boolean).join('/') };
}

/** The region: `MP_S3_REGION`, else the AWS SDK's own variables, as its other tools read them. */
function regionOf(
  env: Readonly<Record<string, string | undefined>>,
  e: { MP_S3_REGION?: string },
): string {
  return e.MP_S3_REGION ?? env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? 'us-east-1';
}
