import type {
  Clock,
  ColorRecord,
  DashboardReader,
  IdSource,
  ObjectStore,
  ParseNotice,
  Pipeline,
  Principal,
  ReadScope,
  RowError,
  SpreadsheetCodec,
  SystemStatus,
} from '@market-pulse/core';
import type { AccountServices } from './account-services.js';

/** An upload's bytes as the parser read them, with the content hash duplicates are refused by. */
export interface ParsedUpload {
  records: readonly ColorRecord[];
  errors: readonly RowError[];
  notices: readonly ParseNotice[];
  contentHash: string;
}

/** The lines an access log needs (pino's `info`/`warn`/`error` fit). */
export interface AccessLogger {
  /** A request answered. */
  info(fields: object, message: string): void;
  /** Something to look at. */
  warn(fields: object, message: string): void;
  /** A request that failed with a 5xx (the error is in `fields.err`). */
  error(fields: object, message: string): void;
}

/** Limits the app enforces on request bodies. */
export interface BodyLimits {
  /** JSON bodies (default 1 MiB). */
  jsonBytes?: number;
  /** Upload files (the configured upload limit, `MP_UPLOAD_MAX_BYTES`). */
  uploadBytes: number;
}

/**
 * What {@link createApp} needs: core's ports and services as a host wired them (see
 * `appDependenciesOf` for a Node host), plus the HTTP layer's own settings.
 */
export interface AppDependencies {
  store: ObjectStore;
  clock: Clock;
  ids: IdSource;
  pipeline: Pipeline;
  /** Writes xlsx/csv files (exports, templates). */
  codec: SpreadsheetCodec;
  businessTimeZone: string;
  /** Reads an uploaded file's bytes with the configured upload limits and parse options. */
  readUpload(fileName: string, bytes: Uint8Array): Promise<ParsedUpload>;
  /** The upload template (SPEC §6.1) as a file. */
  template(format: 'xlsx' | 'csv'): Promise<Uint8Array>;
  /** The store's state (`/api/admin/system-status`, `/api/ready`). */
  status(checkedBy: string): Promise<SystemStatus>;
  /** The effective configuration, secrets already masked. */
  configuration(): Record<string, unknown>;
  /** The product version `/version` reports. */
  version: string;
  limits: BodyLimits;
  /** Origins allowed to call the API from a browser; none by default. */
  corsOrigins?: readonly string[];
  /**
   * The dashboard's reads over its resident index, created and owned by the host (one per
   * process). Default: one created by `createApp` that checks the data version on every request.
   */
  dashboard?: DashboardReader;
  /** Access and error logs (default: none). */
  logger?: AccessLogger;
  /**
   * Who makes a request: `undefined` when it carries no credentials (401 on every non-public
   * operation), UNAUTHENTICATED for credentials that are not valid. Without it every request is
   * core's `LOCAL_PRINCIPAL` (an embedding program, tests); the Node host wiring always sets it
   * (`bearerAuthentication`).
   */
  authenticate?(request: Request): Promise<Principal | undefined>;
  /**
   * Accounts (`/api/auth/*`, `/api/admin/users|api-keys|entitlements`): without them those
   * operations answer 503 UNAVAILABLE.
   */
  accounts?: AccountServices;
  /**
   * Whether `principal` may perform the operation (its OpenAPI `operationId`); default: the
   * access table (`ACCESS_TABLE`: the principal's role reaches the operation's).
   */
  authorize?(principal: Principal, operationId: string): Promise<boolean> | boolean;
  /**
   * What `principal` may see (rows by asset class, columns by CLO); every read handler applies
   * it. Default: everything (core's `UNRESTRICTED_READ_SCOPE`, the local operator's scope).
   */
  scopeOf?(principal: Principal): Promise<ReadScope>;
}

/** The Hono environment of the app: the request's id and principal. */
export interface AppEnv {
  Variables: {
    requestId: string;
    principal: Principal;
    /** What the principal may see; read handlers pass it to core's read services. */
    scope: ReadScope;
  };
}
