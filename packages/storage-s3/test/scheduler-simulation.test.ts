// The scheduling issue's exactly-once simulation (three scheduler instances, random pauses, kills
// and restarts, on one store) with the store on a real S3 server: every fire runs exactly once.
// ~3 s of real time per fire here (every store call is an HTTP request to RGW), so 30 fires by
// default; MP_S3_SIM_FIRES=1000 for the file store's size.
import { simulateSchedulers } from '@market-pulse/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RgwServer, startRgw } from './rgw-server.js';
import { storeOn } from './s3-clients.js';

const FIRES = Number(process.env.MP_S3_SIM_FIRES ?? 30);
let rgw: RgwServer;
beforeAll(async () => {
  rgw = await startRgw();
}, 180_000);
afterAll(async () => {
  await rgw?.stop();
}, 60_000);

describe('exactly once across scheduler instances (S3 store, Ceph RGW)', () => {
  it(`3 instances on one bucket, ≥ ${FIRES} fires, random pauses, kills and restarts`, async () => {
    const store = await storeOn(rgw);
    store.setConditionalDelete(false); // what the self-test finds on RGW 16
    const report = await simulateSchedulers({ store, seed: 14, fires: FIRES });
    expect(report.violations).toEqual([]);
    expect(report.fires).toBeGreaterThanOrEqual(FIRES);
    expect(report.kills).toBeGreaterThan(0);
    expect(report.statuses.success).toBeGreaterThan(FIRES / 10);
    store.destroy();
  }, 900_000);
});
