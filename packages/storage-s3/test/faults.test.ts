// The adapter behind a proxy that drops connections, answers 500/503 and delays answers at random
// (seeded): idempotent calls succeed after retries; conditional writes are never sent twice — each
// ends applied, refused, or in a typed UNAVAILABLE error whose outcome is unknown.
import { isMarketPulseError } from '@market-pulse/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createS3Store, type S3Store } from '../src/index.js';
import { type FaultProxy, seededRandom, startFaultProxy } from './fault-proxy.js';
import { type RgwServer, startRgw } from './rgw-server.js';

let rgw: RgwServer;
let proxy: FaultProxy;
const SEED = 20261129;

beforeAll(async () => {
  rgw = await startRgw();
  proxy = await startFaultProxy(
    rgw.endpoint,
    {
      dropBefore: 0.05,
      refuse503: 0.05,
      fail500Before: 0.03,
      fail500After: 0.03,
      dropAfter: 0.03,
      delay: 0.1,
    },
    { seed: SEED, maxDelayMs: 400 },
  );
}, 180_000);
afterAll(async () => {
  await proxy?.stop();
  await rgw?.stop();
}, 60_000);

const bytes = (text: string) => new TextEncoder().encode(text);
const text = (body: Uint8Array | undefined) => new TextDecoder().decode(body);

async function stores(): Promise<{ faulty: S3Store; direct: S3Store }> {
  const bucket = await rgw.createBucket();
  const common = {
    bucket,
    prefix: 'mp',
    region: rgw.region,
    forcePathStyle: true,
    credentials: rgw.credentials,
  };
  return {
    // Attempts that time out (delays up to 400 ms, limit 300 ms) are faults too.
    faulty: createS3Store({
      ...common,
      endpoint: proxy.endpoint,
      timeoutMs: 300,
      retry: { attempts: 10, baseDelayMs: 5, maxDelayMs: 50 },
      random: seededRandom(SEED + 1),
    }),
    direct: createS3Store({ ...common, endpoint: rgw.endpoint }),
  };
}

describe('S3 store behind a faulty network', () => {
  it('completes idempotent calls (unconditional puts, gets, lists, deletes) after retries', async () => {
    const { faulty, direct } = await stores();
    const before = { ...proxy.counts };
    const keys = Array.from({ length: 60 }, (_, i) => `idem/${String(i).padStart(3, '0')}`);
    for (const key of keys) await faulty.put(key, bytes(`body of ${key}`));
    for (const key of keys) expect(text((await faulty.get(key))?.body)).toBe(`body of ${key}`);
    const listed: string[] = [];
    for await (const item of faulty.list('idem/', { limit: 1000 })) listed.push(item.key);
    expect(listed).toEqual(keys);
    for (const key of keys.slice(0, 30)) await faulty.delete(key);
    const left: string[] = [];
    for await (const item of direct.list('idem/')) left.push(item.key);
    expect(left).toEqual(keys.slice(30));
    // The faults did happen (the seed makes this deterministic, the bound keeps it honest).
    const faults = Object.entries(proxy.counts)
      .filter(([kind]) => kind !== 'passed' && kind !== 'delay')
      .reduce((sum, [kind, n]) => sum + n - before[kind as keyof typeof before], 0);
    expect(faults).toBeGreaterThan(10);
    faulty.destroy();
    direct.destroy();
  });

  it('never repeats a conditional write: each create is applied, or fails typed with its outcome unknown', async () => {
    const { faulty, direct } = await stores();
    const outcomes: string[] = [];
    for (let i = 0; i < 80; i++) {
      const key = `create/${i}`;
      try {
        await faulty.put(key, bytes(`writer ${i}`), { ifNoneMatch: '*' });
        outcomes.push('ok');
        expect(text((await direct.get(key))?.body)).toBe(`writer ${i}`);
      } catch (err) {
        // A fresh key: PRECONDITION_FAILED here would be a create sent twice, refused by its own
        // first copy. The only failure allowed is UNAVAILABLE, saying the outcome is unknown.
        expect(isMarketPulseError(err, 'UNAVAILABLE'), String(err)).toBe(true);
        expect((err as { details: { outcome?: string } }).details.outcome).toBe('unknown');
        outcomes.push('unknown');
        // Applied or not, never partial.
        const stored = await direct.get(key);
        expect(stored === null || text(stored.body) === `writer ${i}`).toBe(true);
      }
    }
    expect(outcomes.filter((o) => o === 'ok').length).toBeGreaterThan(40);
    expect(outcomes).toContain('unknown');
    faulty.destroy();
    direct.destroy();
  });
});
