import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createDashboardReader,
  defaultColumnConfig,
  isMarketPulseError,
  MarketPulseError,
  readColors,
} from '@market-pulse/core';
import {
  fileColorSource,
  type NodeConfig,
  type NodeHost,
  randomIds,
  spreadsheetCodec,
  systemClock,
  templateCsv,
  writeTemplateXlsx,
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

/** `err` with the temporary file's path replaced by the upload's name: no server path in answers. */
function withoutPath(err: unknown, path: string, fileName: string): unknown {
  if (!isMarketPulseError(err)) return err;
  const clean = (text: string) => text.replaceAll(path, fileName);
  const details =
    err.details === undefined ? undefined : JSON.parse(clean(JSON.stringify(err.details)));
  return new MarketPulseError(err.code, clean(err.message), { cause: err, details });
}

/** Runs `work` with a private temporary folder, removed afterwards. */
async function inTempDir<T>(work: (dir: string) => Promise<T>): Promise<T> {
  const dir = await mkdtemp(join(tmpdir(), 'market-pulse-http-'));
  try {
    return await work(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
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
 * limits and parse options (through a private temporary file, as the CLI reads files).
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
    readUpload: (fileName, bytes) => {
      const format = /\.(xlsx|csv)$/i.exec(fileName)?.[1]?.toLowerCase();
      if (!format)
        throw new MarketPulseError(
          'UNSUPPORTED_MEDIA_TYPE',
          `${fileName}: upload an .xlsx or .csv file (the name's extension says which)`,
          { details: { fileName } },
        );
      return inTempDir(async (dir): Promise<ParsedUpload> => {
        // A fixed name: the upload's own name may hold anything (paths, NUL, 400 characters).
        const path = join(dir, `upload.${format}`);
        await writeFile(path, bytes);
        const source = fileColorSource(path, { limits: config.uploadLimits, parse: config.parse });
        try {
          const parsed = await readColors(source);
          return { ...parsed, contentHash: await source.contentHash() };
        } catch (err) {
          throw withoutPath(err, path, fileName);
        }
      });
    },
    template: async (format) =>
      format === 'csv'
        ? new TextEncoder().encode(templateCsv(defaultColumnConfig))
        : inTempDir(async (dir) => {
            const path = join(dir, 'template.xlsx');
            await writeTemplateXlsx(path, defaultColumnConfig);
            return new Uint8Array(await readFile(path));
          }),
    status: (checkedBy) => host.status(checkedBy),
    configuration: () => maskSecrets(config) as Record<string, unknown>,
  };
}
