// Two real `market-pulse serve` processes on one S3 bucket (Ceph RGW on 127.0.0.1) and an
// every-minute job for three real minutes: exactly one run per minute (issue 14). Three to four
// minutes, plus the server's start.
import { createS3Store } from '@market-pulse/storage-s3';
import { afterAll, beforeAll, describe, it, vi } from 'vitest';
import { type RgwServer, startRgw } from '../../storage-s3/test/rgw-server.js';
import { useWorkspaces } from './helpers.js';
import { stopChildren } from './processes.js';
import { twoReplicasEveryMinute } from './serve-replicas.js';

const workspace = useWorkspaces('mp-serve-s3-', stopChildren);
let rgw: RgwServer;
beforeAll(async () => {
  rgw = await startRgw();
  // The in-process CLI calls (init, jobs add) reach S3 through the standard credential chain.
  vi.stubEnv('AWS_ACCESS_KEY_ID', rgw.credentials.accessKeyId);
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', rgw.credentials.secretAccessKey);
}, 180_000);
afterAll(async () => {
  vi.unstubAllEnvs();
  await rgw?.stop();
}, 60_000);

describe('market-pulse serve on S3', () => {
  it('two replicas on one bucket, an every-minute job, three real minutes: one run per minute', async () => {
    const dir = await workspace();
    const bucket = await rgw.createBucket();
    const env = {
      MP_STORE: `s3://${bucket}/desk`,
      MP_S3_ENDPOINT: rgw.endpoint,
      MP_S3_FORCE_PATH_STYLE: 'true',
      AWS_ACCESS_KEY_ID: rgw.credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: rgw.credentials.secretAccessKey,
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    await twoReplicasEveryMinute(dir, env, async () =>
      createS3Store({
        bucket,
        prefix: 'desk',
        region: rgw.region,
        endpoint: rgw.endpoint,
        forcePathStyle: true,
        credentials: rgw.credentials,
      }),
    );
  }, 600_000);
});
