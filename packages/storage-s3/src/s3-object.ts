// One object of a bucket read by byte ranges — a color source's xlsx or CSV file (SPEC §1.2) —
// with the failures a person can fix (no such object, no permission, no bucket) said in words.
import { Readable } from 'node:stream';
import { GetObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { MarketPulseError } from '@market-pulse/core';
import { backoffMs, DEFAULT_RETRY, delay } from './retry.js';
import { classifyS3Error } from './s3-errors.js';

/** Where an object is and how to reach its server (the store's `MP_S3_*` settings). */
export interface S3ObjectOptions {
  /** `s3://bucket/key`. */
  url: string;
  region: string;
  endpoint?: string;
  forcePathStyle?: boolean;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** Each request's time limit in ms (default 30,000). */
  timeoutMs?: number;
  /** An S3 client to use instead of one built from the options above. */
  client?: S3Client;
}

/** An S3 object read by ranges, every range from the version whose size was read first. */
export interface S3Object {
  /** Its `s3://bucket/key` URL. */
  readonly name: string;
  /** Its size in bytes (one request, once). */
  size(): Promise<number>;
  /** Its bytes from `start` up to and including `end` (default: all), streamed. */
  stream(range?: { start: number; end: number }): Readable;
  /** Releases the connections of a client it made. */
  destroy(): void;
}

/** The bucket and key of an `s3://bucket/key` URL, or VALIDATION_ERROR saying what is wrong. */
export function parseS3Url(url: string): { bucket: string; key: string } {
  const match = /^s3:\/\/([a-z0-9][a-z0-9.-]{1,61}[a-z0-9])\/(.+)$/.exec(url);
  if (!match)
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `${url} is not an S3 object URL: expected s3://<bucket>/<key> (e.g. s3://desk-feeds/colors/today.xlsx)`,
      { details: { url } },
    );
  return { bucket: match[1] as string, key: match[2] as string };
}

/**
 * An S3 object as ranges of bytes: a CSV file streams whole, a workbook's zip directory and parts
 * are read where they are. Every range read after the first is conditional on that version's
 * ETag, so an object replaced while it is read is refused (CONFLICT), never read half old, half
 * new. A missing object or bucket and refused access are VALIDATION_ERROR
 * `cannot read s3://…: …` (`details.reason: 'unreadable-file'`, as for a local file).
 *
 * @example
 * ```ts
 * const object = openS3Object({ url: 's3://desk-feeds/colors.csv', region: 'us-east-1' });
 * for await (const chunk of object.stream()) process(chunk);
 * ```
 */
export function openS3Object(options: S3ObjectOptions): S3Object {
  const { bucket, key } = parseS3Url(options.url);
  const name = options.url;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const client =
    options.client ??
    new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle ?? false,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      maxAttempts: 1,
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    });
  let version: Promise<{ size: number; etag: string | undefined }> | undefined;

  function unreadable(err: unknown): MarketPulseError {
    const f = classifyS3Error(err, false);
    const why =
      f.kind === 'not-found'
        ? 'no such object'
        : f.kind === 'no-bucket'
          ? `the bucket ${bucket} does not exist`
          : f.kind === 'denied'
            ? `permission denied (${f.code}): check the credentials (AWS_ACCESS_KEY_ID, AWS_PROFILE…) and that the bucket policy lets them read it`
            : f.kind === 'precondition'
              ? undefined
              : `S3 failed (${f.code})`;
    if (why === undefined)
      return new MarketPulseError(
        'CONFLICT',
        `${name} was replaced while it was being read: run again to read the new file`,
        { cause: err, details: { url: name } },
      );
    const fixable = f.kind === 'not-found' || f.kind === 'no-bucket' || f.kind === 'denied';
    return new MarketPulseError(
      fixable ? 'VALIDATION_ERROR' : 'UNAVAILABLE',
      `cannot read ${name}: ${why}`,
      {
        cause: err,
        details: { reason: fixable ? 'unreadable-file' : 'unavailable', url: name, code: f.code },
      },
    );
  }

  /** Sends a read, again after transient failures (reads are idempotent). */
  async function send<T>(request: (signal: AbortSignal) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(AbortSignal.timeout(timeoutMs));
      } catch (err) {
        const f = classifyS3Error(err, false);
        const transient =
          f.kind === 'refused' || f.kind === 'unknown-outcome' || f.kind === 'conflict';
        if (!transient || attempt + 1 >= DEFAULT_RETRY.attempts) throw unreadable(err);
        await delay(backoffMs(DEFAULT_RETRY, attempt, Math.random));
      }
    }
  }

  /**
   * The object's size and ETag from its first byte (a GET, not a HEAD: a HEAD's 404 has no body to
   * tell a missing object from a missing bucket). An empty object answers 416.
   */
  function head() {
    version ??= send(async (abortSignal) => {
      try {
        const out = await client.send(
          new GetObjectCommand({ Bucket: bucket, Key: key, Range: 'bytes=0-0' }),
          { abortSignal },
        );
        await (out.Body as Readable | undefined)?.resume();
        const total = /\/(\d+)$/.exec(out.ContentRange ?? '')?.[1];
        return { size: Number(total ?? out.ContentLength ?? 0), etag: out.ETag };
      } catch (err) {
        const status = (err as { $metadata?: { httpStatusCode?: number } }).$metadata
          ?.httpStatusCode;
        if (status === 416) return { size: 0, etag: undefined };
        throw err;
      }
    });
    return version;
  }

  async function* bytes(range?: { start: number; end: number }): AsyncGenerator<Uint8Array> {
    const { etag } = await head();
    const out = await send((abortSignal) =>
      client.send(
        new GetObjectCommand({
          Bucket: bucket,
          Key: key,
          ...(etag ? { IfMatch: etag } : {}),
          ...(range ? { Range: `bytes=${range.start}-${range.end}` } : {}),
        }),
        { abortSignal },
      ),
    );
    try {
      for await (const chunk of out.Body as Readable) yield chunk as Uint8Array;
    } catch (err) {
      throw unreadable(err);
    }
  }

  return {
    name,
    size: async () => (await head()).size,
    stream: (range) => Readable.from(bytes(range), { objectMode: false }),
    destroy: () => {
      if (!options.client) client.destroy();
    },
  };
}
