// The Lambda handlers on the storage the configuration names (MP_STORE=s3://…), invoked in-process
// with API Gateway v2 events against a real S3 server (Ceph RGW on 127.0.0.1): what the API writes
// lands in the bucket, and the scheduled handler ticks on it.
import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type RgwServer, startRgw } from '../../storage-s3/test/rgw-server.js';
import { bucketKeys } from '../../storage-s3/test/s3-clients.js';
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

/** The sample event turned into a POST of `body` to `path`. */
async function postEvent(path: string, body: unknown): Promise<Record<string, unknown>> {
  const event = await sampleEvent();
  const context = event.requestContext as { http: Record<string, string> };
  return {
    ...event,
    rawPath: path,
    rawQueryString: '',
    queryStringParameters: undefined,
    headers: { ...(event.headers as object), 'content-type': 'application/json' },
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
    const created = (await handlers.api(
      (await postEvent('/api/rules', {
        name: 'no test sources',
        when: { field: 'SOURCE', op: 'eq', value: 'TEST' },
      })) as never,
    )) as Result;
    expect(created.statusCode).toBe(201);
    const listed = (await handlers.api((await sampleEvent()) as never)) as Result;
    expect(listed.statusCode).toBe(200);
    expect(bodyOf(listed).items.map((r: { name: string }) => r.name)).toEqual(['no test sources']);
    const keys = await bucketKeys(rgw, bucket);
    expect(keys).toContain('desk/config/rules.json');

    const tick = await handlers.schedule({ source: 'aws.events' });
    expect(tick).toEqual({ instanceId: 'lambda-scheduler', ranFire: false });
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
