// The examples of examples/ run here against temporary data folders, so they cannot rot: each is
// called through its entry function as its README shows it.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { createHandlers } from '../../../examples/aws-lambda/handlers.js';
import { nightlyChore } from '../../../examples/cli-script/cli-script.js';
import { embedCore } from '../../../examples/embed-core/embed-core.js';
import { startServer } from '../../../examples/node-server/node-server.js';
import { type RgwServer, startRgw } from '../../storage-s3/test/rgw-server.js';

const folders: string[] = [];
const tempFolder = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'mp-example-'));
  folders.push(dir);
  return dir;
};
afterEach(async () => {
  for (const dir of folders.splice(0)) await rm(dir, { recursive: true, force: true });
});

describe('examples', () => {
  it('embed-core: runs the core in process over a data folder; its dry run counts what the run did', async () => {
    const outcome = await embedCore(await tempFolder());
    expect(outcome).toEqual({ runId: 1, excluded: 1, output: 2, found: 2, dryRunExcluded: 1 });
  });

  it('node-server: the existing server keeps its routes and serves the API under /market-pulse', async () => {
    const running = await startServer(await tempFolder());
    try {
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const hello = await fetch(`${running.url}/hello`);
      expect(await hello.text()).toMatch(/existing server/);
      const health = await fetch(`${running.url}/market-pulse/api/health`);
      expect(health.status).toBe(200);
      // The mounted API is the real one: accounts on, so a non-public call needs a bearer token.
      const columns = await fetch(`${running.url}/market-pulse/api/columns`);
      expect(columns.status).toBe(401);
      expect(columns.headers.get('www-authenticate')).toMatch(/^Bearer/);
      expect((await fetch(`${running.url}/elsewhere`)).status).toBe(404);
    } finally {
      await running.close();
    }
  });

  it('cli-script: drives the command line and checks its exit codes', async () => {
    const outcome = await nightlyChore(await tempFolder());
    expect(outcome.runs).toBe(1);
    expect(outcome.found).toBeGreaterThan(0);
    expect(outcome.refused.message).toMatch(/not an ISIN/);
    expect(outcome.refused.code).toBe(3);
  });
});

describe('the aws-lambda example', () => {
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

  it('the API handler answers a recorded API Gateway v2 event; the scheduled one ticks', async () => {
    const bucket = await rgw.createBucket();
    const handlers = createHandlers({
      MP_STORE: `s3://${bucket}/desk`,
      MP_S3_ENDPOINT: rgw.endpoint,
      MP_S3_FORCE_PATH_STYLE: 'true',
    });
    const event = JSON.parse(
      await readFile(new URL('./events/api-gateway-v2-get-rules.json', import.meta.url), 'utf8'),
    );
    // The recorded call carries no token: the API answers as deployed, 401 with the challenge.
    const refused = (await handlers.api(event)) as {
      statusCode: number;
      headers: Record<string, string>;
    };
    expect(refused.statusCode).toBe(401);
    const health = {
      ...event,
      rawPath: '/api/health',
      rawQueryString: '',
      queryStringParameters: undefined,
      requestContext: {
        ...event.requestContext,
        http: { ...event.requestContext.http, path: '/api/health' },
      },
    };
    expect(((await handlers.api(health)) as { statusCode: number }).statusCode).toBe(200);
    // The container's first tick also does the store's upkeep.
    expect(await handlers.tick()).toMatchObject({
      instanceId: 'lambda-scheduler',
      ranFire: false,
      upkeep: { idempotencyKeysPruned: 0 },
    });
  });

  it('refuses a local data folder, naming MP_STORE', async () => {
    const handlers = createHandlers({ MP_DATA_DIR: await tempFolder() });
    await expect(handlers.tick()).rejects.toThrow(/MP_STORE=s3:/);
  });
});
