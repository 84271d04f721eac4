import { resolve } from 'node:path';
import { Readable } from 'node:stream';
import { MarketPulseError } from '@market-pulse/core';
import type { NodeConfig } from './config.js';
import { checkedFileSource } from './input-file.js';
import {
  type FileColorSource,
  fileColorSource,
  spreadsheetColorSource,
} from './spreadsheets/file-color-source.js';
import type { SpreadsheetInput } from './spreadsheets/spreadsheet-input.js';

/** True for an `s3://…` source. */
export const isS3Url = (location: string): boolean => location.startsWith('s3://');

/** How a source is read: the configured limits, parse options and S3 connection. */
/** The configuration a color source needs: upload limits, parse options and the S3 connection. */
export type SourceConfig = Pick<NodeConfig, 'uploadLimits' | 'parse' | 's3'>;

/**
 * An S3 object as a spreadsheet input: its size from one HEAD, its bytes by ranged GETs
 * (`@market-pulse/storage-s3`, loaded only when an `s3://` source is read), all from the version
 * the HEAD saw.
 */
function s3Input(url: string, config: SourceConfig): SpreadsheetInput {
  const open = async () => {
    const s3 = await import('@market-pulse/storage-s3');
    return s3.openS3Object({
      url,
      region: config.s3.region,
      forcePathStyle: config.s3.forcePathStyle,
      ...(config.s3.endpoint ? { endpoint: config.s3.endpoint } : {}),
    });
  };
  let object: ReturnType<typeof open> | undefined;
  const opened = () => {
    object ??= open();
    return object;
  };
  return {
    name: url,
    size: async () => (await opened()).size(),
    stream: (range) =>
      Readable.from(
        (async function* () {
          yield* (await opened()).stream(range);
        })(),
      ),
  };
}

/**
 * The color source at `location`: an `s3://bucket/key.xlsx|csv` object, read by ranges — a CSV
 * object streamed, a workbook's zip directory and then each part it needs, nothing held whole —
 * or a local file relative to `cwd`. Either is checked against the upload limits before parsing
 * and refused in words when it cannot be read (`cannot read LOCATION: no such file/object`,
 * permission denied, not .xlsx or .csv).
 *
 * @example
 * ```ts
 * const source = colorSourceAt('s3://desk-feeds/colors/today.xlsx', process.cwd(), config);
 * ```
 */
export function colorSourceAt(
  location: string,
  cwd: string,
  config: SourceConfig,
): FileColorSource {
  const options = { limits: config.uploadLimits, parse: config.parse };
  if (isS3Url(location)) return spreadsheetColorSource(s3Input(location, config), options);
  const full = resolve(cwd, location);
  return checkedFileSource(fileColorSource(full, options), full, location);
}

/**
 * Refuses (VALIDATION_ERROR) a job source that names an S3 object outside the configured
 * prefixes (`MP_JOB_S3_SOURCES`): fires read with the server's credentials.
 */
export function assertJobS3Source(location: string, allowed: readonly string[]): void {
  if (!isS3Url(location) || allowed.some((prefix) => location.startsWith(prefix))) return;
  throw new MarketPulseError(
    'VALIDATION_ERROR',
    allowed.length === 0
      ? `a job's source ${location} is an S3 object, and no S3 prefix is allowed for job sources: set MP_JOB_S3_SOURCES=s3://<bucket>/<prefix>/ to allow one`
      : `a job's source ${location} is outside the S3 prefixes allowed for job sources (MP_JOB_S3_SOURCES: ${allowed.join(', ')})`,
    { details: { source: location, allowed } },
  );
}
