// S3 clients and stores for tests, against the RGW of `rgw-server.ts`.
import { ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { createS3Store, type S3Store, type S3StoreOptions } from '../src/index.js';
import type { RgwServer } from './rgw-server.js';

/** A client to `endpoint` as the store builds its own (no SDK retries, checksums when required). */
export function testClient(rgw: RgwServer, endpoint = rgw.endpoint): S3Client {
  return new S3Client({
    endpoint,
    region: rgw.region,
    forcePathStyle: true,
    credentials: rgw.credentials,
    maxAttempts: 1,
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
  });
}

/**
 * A client that drops `If-None-Match` and `If-Match` from every request before it is signed: what
 * an S3 server that ignores conditional writes (every npm emulator here) looks like to the store.
 */
export function conditionIgnoringClient(rgw: RgwServer): S3Client {
  const client = testClient(rgw);
  client.middlewareStack.add(
    (next) => async (args) => {
      const input = args.input as { IfNoneMatch?: string; IfMatch?: string };
      delete input.IfNoneMatch;
      delete input.IfMatch;
      return next(args);
    },
    { step: 'initialize', name: 'dropConditions' },
  );
  return client;
}

/** A store on a new bucket of `rgw`. */
export async function storeOn(
  rgw: RgwServer,
  options: Partial<S3StoreOptions> = {},
): Promise<S3Store> {
  return createS3Store({
    bucket: await rgw.createBucket(),
    prefix: 'mp',
    region: rgw.region,
    endpoint: rgw.endpoint,
    forcePathStyle: true,
    credentials: rgw.credentials,
    ...options,
  });
}

/** Every key in `bucket`, straight from the server (not through a store). */
export async function bucketKeys(rgw: RgwServer, bucket: string): Promise<string[]> {
  const client = testClient(rgw);
  const keys: string[] = [];
  let token: string | undefined;
  try {
    do {
      const page = await client.send(
        new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }),
      );
      keys.push(...(page.Contents ?? []).map((c) => c.Key as string));
      token = page.NextContinuationToken;
    } while (token);
  } finally {
    client.destroy();
  }
  return keys;
}

/** Puts an object into `bucket` directly (a file a desk drops there). */
export async function putObject(
  rgw: RgwServer,
  bucket: string,
  key: string,
  body: string | Uint8Array,
): Promise<void> {
  const client = testClient(rgw);
  try {
    await client.send(new PutObjectCommand({ Bucket: bucket, Key: key, Body: body }));
  } finally {
    client.destroy();
  }
}
