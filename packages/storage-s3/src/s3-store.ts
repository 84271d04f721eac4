import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type S3ClientConfig,
} from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import {
  damagedObject,
  isValidKey,
  MarketPulseError,
  type ObjectListing,
  type ObjectStore,
  type PutCondition,
  type StoredObject,
} from '@market-pulse/core';
import { bareEtag, type EtagForm, isMd5Etag, wireEtag } from './etag.js';
import { backoffMs, DEFAULT_RETRY, delay, type RetryPolicy } from './retry.js';
import { classifyS3Error, type S3Failure } from './s3-errors.js';

/** Where an S3 store keeps its objects and how it reaches the server. */
export interface S3StoreOptions {
  /** The bucket (it must exist). */
  bucket: string;
  /** Every key is stored under this prefix (`market-pulse` → `market-pulse/runs/…`); '' for none. */
  prefix: string;
  /** The region (AWS); any value for most other servers. */
  region: string;
  /** The server's URL, for S3-compatible servers (`http://127.0.0.1:7480`); AWS when omitted. */
  endpoint?: string;
  /** Path-style URLs (`endpoint/bucket/key`), which most non-AWS servers need. */
  forcePathStyle?: boolean;
  /** Static credentials; omitted, the standard AWS credential chain (environment, profile, role). */
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  /** One call's time limit, each attempt, in ms (default 30,000). */
  timeoutMs?: number;
  /** Aborts every pending and future call (the process shutting down). */
  signal?: AbortSignal;
  /** Retries of idempotent calls (default {@link DEFAULT_RETRY}). */
  retry?: Partial<RetryPolicy>;
  /** Bodies at least this large are uploaded in parts (default 16 MiB; at least 5 MiB). */
  multipartThreshold?: number;
  /** An S3 client to use instead of one built from the options above (tests, custom middleware). */
  client?: S3Client;
  /** The random source of backoff jitter (tests). */
  random?: () => number;
  /** The setting that names this bucket, for messages about it (default `MP_STORE`). */
  setting?: string;
}

/** An {@link ObjectStore} on S3, with what only S3 has. */
export interface S3Store extends ObjectStore {
  /** The bucket and prefix, as `s3://bucket/prefix`. */
  readonly location: string;
  /** Writes a body that arrives in pieces, in parts when large (exports); returns its ETag. */
  putStream(key: string, body: AsyncIterable<Uint8Array>): Promise<{ etag: string }>;
  /**
   * True once the server has been seen to ignore `If-Match` on DELETE (Ceph RGW 16): conditional
   * deletes are then a read followed by a delete (see the README).
   */
  readonly emulatesConditionalDelete: boolean;
  /** Tells the store whether the server honours conditional deletes (the self-test finds out). */
  setConditionalDelete(honoured: boolean): void;
  /**
   * Sends a DELETE of `key` (which must exist) with a stale `If-Match` and tells whether the
   * server kept the object (true: it honours conditional deletes). For the self-test.
   */
  probeConditionalDelete(key: string, staleEtag: string): Promise<boolean>;
  /** Closes the client's connections. */
  destroy(): void;
}

const MIN_PART = 5 * 1024 * 1024;

function checkKey(key: string): void {
  if (!isValidKey(key)) {
    throw new MarketPulseError(
      'VALIDATION_ERROR',
      `invalid store key "${key}": use [A-Za-z0-9._-] segments separated by /`,
    );
  }
}

const md5 = (body: Uint8Array) => createHash('md5').update(body);

/** Calls that change nothing, or change it to the same end state when repeated, are retried. */
type Idempotence = 'idempotent' | 'conditional' | 'once';

/**
 * Core's {@link ObjectStore} on an S3 bucket: conditional writes (`If-None-Match: *`, `If-Match`),
 * errors mapped to core's codes, retries with backoff and jitter for idempotent calls, a timeout
 * and an `AbortSignal` on every call, multipart uploads for large bodies, and every read of a
 * single-part object checked against its MD5 ETag.
 *
 * @example
 * ```ts
 * const store = createS3Store({ bucket: 'desk', prefix: 'market-pulse', region: 'us-east-1' });
 * await store.put('config/rules.json', bytes, { ifNoneMatch: '*' });
 * ```
 */
export function createS3Store(options: S3StoreOptions): S3Store {
  const { bucket } = options;
  const prefix = options.prefix.replace(/^\/+|\/+$/g, '');
  const fullKey = (key: string) => (prefix ? `${prefix}/${key}` : key);
  const fromFullKey = (key: string) => (prefix ? key.slice(prefix.length + 1) : key);
  const timeoutMs = options.timeoutMs ?? 30_000;
  const retry: RetryPolicy = { ...DEFAULT_RETRY, ...options.retry };
  const random = options.random ?? Math.random;
  const multipartThreshold = Math.max(MIN_PART, options.multipartThreshold ?? 16 * 1024 * 1024);
  const location = `s3://${bucket}${prefix ? `/${prefix}` : ''}`;
  const client =
    options.client ??
    new S3Client({
      region: options.region,
      ...(options.endpoint ? { endpoint: options.endpoint } : {}),
      forcePathStyle: options.forcePathStyle ?? false,
      ...(options.credentials ? { credentials: options.credentials } : {}),
      // Retries are ours: the SDK's would repeat conditional writes, which is not safe.
      maxAttempts: 1,
      // Checksums only where S3 requires them: a streamed body is then sent as it is, not
      // aws-chunked, which S3-compatible servers reject or store framed (TOOLING.md). Integrity
      // comes from Content-MD5 on writes and the ETag check on reads.
      requestChecksumCalculation: 'WHEN_REQUIRED',
      responseChecksumValidation: 'WHEN_REQUIRED',
    } satisfies S3ClientConfig);
  let etagForm: EtagForm = 'quoted';
  let etagFormSeenToWork = false;
  let conditionalDelete: boolean | undefined;

  function failure(
    err: unknown,
    f: S3Failure,
    key: string | undefined,
    what: string,
  ): MarketPulseError {
    const details = { key, status: f.status, code: f.code };
    const where = key ? `${what} ${key} in ${location}` : `${what} in ${location}`;
    switch (f.kind) {
      case 'precondition':
        return new MarketPulseError('PRECONDITION_FAILED', `${key} has changed`, {
          details,
          cause: err,
        });
      case 'not-found':
        return new MarketPulseError('NOT_FOUND', `${key} does not exist`, { details, cause: err });
      case 'no-bucket':
        return new MarketPulseError(
          'UNAVAILABLE',
          `the bucket ${bucket} does not exist: create it, or fix ${options.setting ?? 'MP_STORE'} (${location})`,
          { details, cause: err },
        );
      case 'denied':
        return new MarketPulseError(
          'UNAVAILABLE',
          `S3 refused access (${f.code}) to ${where}: check the credentials (AWS_ACCESS_KEY_ID, AWS_PROFILE…) and the bucket policy`,
          { details, cause: err },
        );
      case 'conflict':
        return new MarketPulseError('CONFLICT', `${key} is being written concurrently; retry`, {
          details,
          cause: err,
        });
      case 'unknown-outcome':
        return new MarketPulseError(
          'UNAVAILABLE',
          `S3 failed (${f.code}) during ${where}; the write may or may not have been applied`,
          { details: { ...details, outcome: 'unknown' }, cause: err },
        );
      default:
        return new MarketPulseError('UNAVAILABLE', `S3 failed (${f.code}) during ${where}`, {
          details,
          cause: err,
        });
    }
  }

  /**
   * One call with a timeout and the store's signal on each attempt. Idempotent calls are retried
   * on any transient failure; conditional writes only when the server says nothing was applied
   * (409, 503, a refused connection) — a lost answer to a create would otherwise come back as
   * "already exists" on the retry.
   */
  async function call<T>(
    what: string,
    key: string | undefined,
    idempotence: Idempotence,
    send: (signal: AbortSignal) => Promise<T>,
  ): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const timeout = AbortSignal.timeout(timeoutMs);
      const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
      try {
        return await send(signal);
      } catch (err) {
        if (isMarketPulseErrorLike(err)) throw err;
        const f = classifyS3Error(err, options.signal?.aborted === true);
        const transient =
          idempotence !== 'once' &&
          (f.kind === 'conflict' ||
            f.kind === 'refused' ||
            (idempotence === 'idempotent' && f.kind === 'unknown-outcome'));
        if (!transient || attempt + 1 >= retry.attempts) throw failure(err, f, key, what);
        await delay(backoffMs(retry, attempt, random), options.signal);
      }
    }
  }

  async function head(key: string): Promise<string | null> {
    try {
      const out = await call('head', key, 'idempotent', (abortSignal) =>
        client.send(new HeadObjectCommand({ Bucket: bucket, Key: fullKey(key) }), { abortSignal }),
      );
      return bareEtag(out.ETag);
    } catch (err) {
      if (isCode(err, 'NOT_FOUND')) return null;
      throw err;
    }
  }

  async function putOnce(
    key: string,
    body: Uint8Array,
    condition: PutCondition,
    form: EtagForm,
  ): Promise<string> {
    const conditional = condition.ifMatch !== undefined || condition.ifNoneMatch !== undefined;
    const out = await call(
      'write',
      key,
      conditional ? 'conditional' : 'idempotent',
      (abortSignal) =>
        client.send(
          new PutObjectCommand({
            Bucket: bucket,
            Key: fullKey(key),
            Body: body,
            ContentLength: body.length,
            ContentMD5: md5(body).digest('base64'),
            ...(condition.ifNoneMatch ? { IfNoneMatch: '*' } : {}),
            ...(condition.ifMatch !== undefined
              ? { IfMatch: wireEtag(bareEtag(condition.ifMatch), form) }
              : {}),
          }),
          { abortSignal },
        ),
    );
    return bareEtag(out.ETag) || md5(body).digest('hex');
  }

  async function putLarge(
    key: string,
    body: AsyncIterable<Uint8Array> | Uint8Array,
  ): Promise<string> {
    // Bytes in memory can be sent again, so the whole upload is retried; a stream is consumed by
    // its first attempt and is not (its caller — an export refresh — tries again later). RGW's
    // CompleteMultipartUpload may answer without an ETag, so the object's ETag is read back.
    const repeatable = body instanceof Uint8Array;
    await call('write', key, repeatable ? 'idempotent' : 'once', async (abortSignal) => {
      const upload = new Upload({
        client,
        params: { Bucket: bucket, Key: fullKey(key), Body: toReadable(body) },
        partSize: multipartThreshold,
        queueSize: 2,
        leavePartsOnError: false,
      });
      const onAbort = () => void upload.abort().catch(() => undefined);
      abortSignal.addEventListener('abort', onAbort, { once: true });
      try {
        return await upload.done();
      } finally {
        abortSignal.removeEventListener('abort', onAbort);
      }
    });
    const etag = await head(key);
    if (etag === null)
      throw new MarketPulseError('UNAVAILABLE', `${key} vanished after its upload`);
    return etag;
  }

  return {
    location,
    get emulatesConditionalDelete() {
      return conditionalDelete === false;
    },
    setConditionalDelete(honoured: boolean) {
      conditionalDelete = honoured;
    },
    destroy: () => client.destroy(),
    async probeConditionalDelete(key: string, staleEtag: string) {
      checkKey(key);
      try {
        await call('delete', key, 'conditional', (abortSignal) =>
          client.send(
            new DeleteObjectCommand({
              Bucket: bucket,
              Key: fullKey(key),
              IfMatch: wireEtag(staleEtag, etagForm),
            }),
            { abortSignal },
          ),
        );
      } catch (err) {
        if (!isCode(err, 'PRECONDITION_FAILED') && !isCode(err, 'NOT_FOUND')) throw err;
      }
      return (await head(key)) !== null;
    },

    async get(key: string): Promise<StoredObject | null> {
      checkKey(key);
      try {
        return await call('read', key, 'idempotent', async (abortSignal) => {
          const out = await client.send(
            new GetObjectCommand({ Bucket: bucket, Key: fullKey(key) }),
            {
              abortSignal,
            },
          );
          const body = await (
            out.Body as { transformToByteArray(): Promise<Uint8Array> }
          ).transformToByteArray();
          const etag = bareEtag(out.ETag);
          // A single-part object's ETag is its MD5: a body cut short or damaged is an error, never data.
          if (isMd5Etag(etag) && md5(body).digest('hex') !== etag) {
            if (body.length !== Number(out.ContentLength ?? body.length))
              throw Object.assign(new Error('body cut short'), { code: 'ECONNRESET' });
            throw damagedObject(key, 'its MD5 does not match its ETag');
          }
          return { body, etag };
        });
      } catch (err) {
        if (isCode(err, 'NOT_FOUND')) return null;
        throw err;
      }
    },

    async put(key: string, body: Uint8Array, condition: PutCondition = {}) {
      checkKey(key);
      const conditional = condition.ifMatch !== undefined || condition.ifNoneMatch !== undefined;
      // Large conditional bodies go in one request: servers do not all honour conditions on
      // CompleteMultipartUpload (RGW 16 does not), and core's conditional objects are small.
      if (!conditional && body.length >= multipartThreshold)
        return { etag: await putLarge(key, body) };
      const bytes = new Uint8Array(body); // our own copy, whatever the caller does next
      try {
        const etag = await putOnce(key, bytes, condition, etagForm);
        if (condition.ifMatch !== undefined) etagFormSeenToWork = true;
        return { etag };
      } catch (err) {
        // A refused If-Match whose ETag is current: the server wants the other quoting. Switch
        // (once: after an If-Match has succeeded, a refusal is a lost race, with no extra request).
        if (condition.ifMatch === undefined || etagFormSeenToWork) throw err;
        if (!isCode(err, 'PRECONDITION_FAILED')) throw err;
        if ((await head(key)) !== bareEtag(condition.ifMatch)) throw err;
        const other: EtagForm = etagForm === 'quoted' ? 'bare' : 'quoted';
        const etag = await putOnce(key, bytes, condition, other);
        etagForm = other;
        etagFormSeenToWork = true;
        return { etag };
      }
    },

    async putStream(key: string, body: AsyncIterable<Uint8Array>) {
      checkKey(key);
      return { etag: await putLarge(key, body) };
    },

    async delete(key: string, condition: { ifMatch?: string } = {}) {
      checkKey(key);
      const send = (ifMatch: string | undefined) =>
        call('delete', key, ifMatch === undefined ? 'idempotent' : 'conditional', (abortSignal) =>
          client.send(
            new DeleteObjectCommand({
              Bucket: bucket,
              Key: fullKey(key),
              ...(ifMatch !== undefined ? { IfMatch: wireEtag(ifMatch, etagForm) } : {}),
            }),
            { abortSignal },
          ),
        );
      if (condition.ifMatch === undefined) {
        await send(undefined);
        return;
      }
      const expected = bareEtag(condition.ifMatch);
      // Check first in any case: a server that ignores the condition (RGW 16) would delete a newer
      // object. Where the server honours it, the condition closes the gap between check and delete.
      const current = await head(key);
      if (current === null)
        throw new MarketPulseError('NOT_FOUND', `${key} does not exist`, { details: { key } });
      if (current !== expected)
        throw new MarketPulseError('PRECONDITION_FAILED', `${key} has changed`, {
          details: { key },
        });
      await send(conditionalDelete === false ? undefined : expected);
    },

    async *list(
      prefixOfKeys: string,
      opts: { after?: string; limit?: number } = {},
    ): AsyncIterable<ObjectListing> {
      const limit = opts.limit ?? Number.POSITIVE_INFINITY;
      let yielded = 0;
      let token: string | undefined;
      do {
        const page = await call('list', prefixOfKeys, 'idempotent', (abortSignal) =>
          client.send(
            new ListObjectsV2Command({
              Bucket: bucket,
              Prefix: fullKey(prefixOfKeys),
              ...(token
                ? { ContinuationToken: token }
                : opts.after !== undefined
                  ? { StartAfter: fullKey(opts.after) }
                  : {}),
              MaxKeys: Math.min(1000, Math.max(1, limit - yielded)),
            }),
            { abortSignal },
          ),
        );
        for (const item of page.Contents ?? []) {
          if (yielded >= limit) return;
          if (item.Key === undefined) continue;
          yielded++;
          yield {
            key: fromFullKey(item.Key),
            etag: bareEtag(item.ETag),
            size: Number(item.Size ?? 0),
          };
        }
        token = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (token && yielded < limit);
    },
  };
}

function isMarketPulseErrorLike(err: unknown): boolean {
  return (err as { name?: unknown } | undefined)?.name === 'MarketPulseError';
}

function isCode(err: unknown, code: string): boolean {
  return isMarketPulseErrorLike(err) && (err as { code?: unknown }).code === code;
}

/** A body lib-storage can read: bytes as they are, an async iterable as a Node stream. */
function toReadable(body: AsyncIterable<Uint8Array> | Uint8Array) {
  return body instanceof Uint8Array ? body : Readable.from(body);
}
