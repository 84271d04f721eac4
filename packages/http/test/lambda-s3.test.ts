// The Lambda handlers on the storage the configuration names (MP_STORE=s3://…), invoked in-process
// with API Gateway v2 events against a real S3 server (Ceph RGW on 127.0.0.1): what the API writes
// lands in the bucket, and the scheduled handler ticks on it.
import { readFile } from 'node:fs/promises';
import { addUser } from '@market-pulse/core';
import { argon2Hasher, systemClock } from '@market-pulse/node';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RgwServer, startRgw } from '../../storage-s3/test/rgw-server.js';
import { bucketKeys, storeOn } from '../../storage-s3/test/s3-clients.js';
import { createLambdaHandlers } from '../src/lambda-host.js';

let rgw: RgwServer;
beforeAll(async () => {
  rgw = await startRgw();
  // The function's role, as the standard credential chain reads it.
  vi.stubEnv('AWS_ACCESS_KEY_ID', rgw.credentials.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', rgw.credentials.secretAccessKey);
  vi.stubEnv('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');
}, 180_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await rgw?.stop();
}, 60_000);

type Result = { statusCode: number; body: string; isBase64Encoded: boolean };
const bodyOf = (r: Result) =>
  JSON.parse(r.isBase64Encoded ? Buffer.from(r.body, 'base64').toString('utf8') : r.body);

async function sampleEvent(): Promise<Record<string, unknown>> {
  return JSON.parse(
    await readFile(new URL('./events/api-gateway-v2-get-rules.json', import.meta.url), 'utf8'),
  );
}

/** The sample event with an `Authorization` header. */
async function withToken(token: string): Promise<Record<string, unknown>> {
  const event = await sampleEvent();
  return { ...event, headers: { ...(event.headers as object), authorization: `Bearer ${token}` } };
}

/** The sample event turned into a POST of `body` to `path` (with a bearer token when given). */
async function postEvent(
  path: string,
  body: unknown,
  token?: string,
): Promise<Record<string, unknown>> {
  const event = await sampleEvent();
  const context = event.requestContext as { http: Record<string, string> };
  return {
    ...event,
    rawPath: path,
    rawQueryString: '',
    queryStringParameters: undefined,
    headers: {
      ...(event.headers as object),
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    requestContext: { ...context, http: { ...context.http, method: 'POST', path } },
    body: JSON.stringify(body),
  };
}

describe('the Lambda handlers on MP_STORE', () => {
  it('open the S3 store from configuration: a rule created through the API is in the bucket, and the scheduled handler ticks there', async () => {
    const bucket = await rgw.createBucket();
    const handlers = createLambdaHandlers({
      env: {
        MP_STORE: `s3://${bucket}/desk`,
        MP_S3_ENDPOINT: rgw.endpoint,
        MP_S3_FORCE_PATH_STYLE: 'true',
      },
    });
    // An admin in the bucket's store (as `market-pulse users add` on MP_STORE would make one),
    // signed in through the API handler.
    const accounts = await storeOn(rgw, { bucket, prefix: 'desk' });
    const email = 'ops@desk.example';
    const password = 'lambda-on-s3 correct horse';
    await addUser(
      { store: accounts, clock: systemClock, hasher: argon2Hasher() },
      { email, name: 'Ops', role: 'admin', assetClasses: ['*'], password },
      'test-setup',
    );
    accounts.destroy();
    const login = (await handlers.api(
      (await postEvent('/api/auth/login', { email, password })) as never,
    )) as Result;
    expect(login.statusCode, login.body).toBe(200);
    const token = bodyOf(login).accessToken as string;
    expect((await handlers.api((await sampleEvent()) as never)) as Result).toMatchObject({
      statusCode: 401,
    });
    const created = (await handlers.api(
      (await postEvent(
        '/api/rules',
        { name: 'no test sources', when: { field: 'SOURCE', op: 'eq', value: 'TEST' } },
        token,
      )) as never,
    )) as Result;
    expect(created.statusCode).toBe(201);
    const listed = (await handlers.api((await withToken(token)) as never)) as Result;
    expect(listed.statusCode).toBe(200);
    expect(bodyOf(listed).items.map((r: { name: string }) => r.name)).toEqual(['no test sources']);
    const keys = await bucketKeys(rgw, bucket);
    expect(keys).toContain('desk/config/rules.json');

    const tick = await handlers.schedule({ source: 'aws.events' });
    // The first invocation of a container also does the store's upkeep; the next is not due yet.
    expect(tick).toMatchObject({
      instanceId: 'lambda-scheduler',
      ranFire: false,
      upkeep: { rateLimitsPruned: expect.any(Number), idempotencyKeysPruned: 0 },
    });
    expect((await handlers.schedule({ source: 'aws.events' })).upkeep).toBeNull();
    expect(await bucketKeys(rgw, bucket)).toContain(
      'desk/schedule/heartbeats/lambda-scheduler.json',
    );
  });

  it('refuse the file store, saying what to set, and open once the configuration is fixed', async () => {
    const handlers = createLambdaHandlers({ env: {} });
    await expect(handlers.api((await sampleEvent()) as never)).rejects.toThrow(
      /the Lambda handlers need an S3 store: set MP_STORE=s3:\/\/<bucket>\/<prefix>/,
    );
  });
});
