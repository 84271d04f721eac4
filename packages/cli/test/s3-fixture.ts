// The RGW of a CLI test file (`storage-s3/test/rgw-server.ts`), started once before its tests and
// stopped after them, and the environment that points the CLI at a bucket of it. The in-process
// CLI reaches S3 through the standard AWS credential chain: the RGW's keys are put in this
// process's environment for the file's duration.
import { afterAll, beforeAll, vi } from 'vitest';
import { type RgwServer, startRgw } from '../../storage-s3/test/rgw-server.js';

/** Starts an RGW for this test file; the returned function gives it to the tests. */
export function useRgw(): () => RgwServer {
  let rgw: RgwServer | undefined;
  beforeAll(async () => {
    rgw = await startRgw();
    vi.stubEnv('AWS_ACCESS_KEY_ID', rgw.credentials.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', rgw.credentials.secretAccessKey);
    vi.stubEnv('AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED', 'true');
  }, 180_000);
  afterAll(async () => {
    vi.unstubAllEnvs();
    await rgw?.stop();
  }, 60_000);
  return () => {
    if (!rgw) throw new Error('the RGW is not started (useRgw() must be called at the top level)');
    return rgw;
  };
}

/**
 * The environment of a Market Pulse process on `bucket/prefix` of `rgw`; `withKeys` adds the
 * credentials for a child process (the in-process CLI has them from `useRgw`).
 */
export function s3Env(
  rgw: RgwServer,
  bucket: string,
  prefix = 'desk',
  withKeys = false,
): Record<string, string> {
  return {
    MP_STORE: `s3://${bucket}/${prefix}`,
    MP_S3_ENDPOINT: rgw.endpoint,
    MP_S3_FORCE_PATH_STYLE: 'true',
    ...(withKeys
      ? {
          AWS_ACCESS_KEY_ID: rgw.credentials.accessKeyId,
          AWS_SECRET_ACCESS_KEY: rgw.credentials.secretAccessKey,
          AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
        }
      : {}),
  };
}
