import { defaultColumnConfig, MarketPulseError, readColors } from '@market-pulse/core';
import {
  bytesInput,
  type NodeConfig,
  type NodeHost,
  randomIds,
  spreadsheetCodec,
  spreadsheetColorSource,
  systemClock,
  templateCsv,
  templateXlsx,
} from '@market-pulse/node';
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
}

/**
 * The app's dependencies over a Node host (`openNodeHost`): uploads are read with the configured
 * limits and parse options from the request's bytes in memory, and templates made in memory —
 * nothing touches the local disk (a Lambda's or a replica's disk is neither shared nor kept).
 *
 * @example
 * ```ts
 * const app = createApp(appDependenciesOf({ host, config, version: '0.1.0' }));
 * ```
 */
export function appDependenciesOf(options: NodeAppOptions): AppDependencies {
  const { host, config } = options;
  return {
    store: host.store,
    clock: systemClock,
    ids: randomIds,
    pipeline: host.pipeline,
    codec: spreadsheetCodec,
    businessTimeZone: config.businessTimeZone,
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
      const parsed = await readColors(source);
      return { ...parsed, contentHash: await source.contentHash() } satisfies ParsedUpload;
    },
    template: async (format) =>
      format === 'csv'
        ? new TextEncoder().encode(templateCsv(defaultColumnConfig))
        : templateXlsx(defaultColumnConfig),
    status: (checkedBy) => host.status(checkedBy),
    configuration: () => maskSecrets(config) as Record<string, unknown>,
  };
}
