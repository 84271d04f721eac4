// Runs on S3 through a proxy that drops connections, answers 500/503 and delays at random (seeded):
// each run commits completely or not at all — nothing lost, nothing duplicated — over 60 runs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createPipeline,
  isMarketPulseError,
  listRuns,
  readCurrentView,
  readRunRows,
  type Timers,
} from '@market-pulse/core';
import { colorsToTable, generateColors, tableSource } from '@market-pulse/core/testing';
import { createS3Sink, createS3Store } from '@market-pulse/storage-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type FaultProxy,
  seededRandom,
  startFaultProxy,
} from '../../storage-s3/test/fault-proxy.js';
import { type RgwServer, startRgw } from '../../storage-s3/test/rgw-server.js';
import { spreadsheetCodec } from '../src/spreadsheets/index.js';
import { systemClock } from '../src/system-clock.js';

const RUNS = Number(process.env.MP_S3_FAULT_RUNS ?? 60);
const SEED = 0x5eed_0014;
// Real time: a run cut short leaves its lease behind, and the next run waits out its TTL.
const LEASE_TTL_MS = 2_000;
let rgw: RgwServer;
let proxy: FaultProxy;
let dir: string;

beforeAll(async () => {
  rgw = await startRgw();
  proxy = await startFaultProxy(
    rgw.endpoint,
    {
      dropBefore: 0.01,
      refuse503: 0.01,
      fail500Before: 0.005,
      fail500After: 0.005,
      dropAfter: 0.005,
      delay: 0.05,
    },
    { seed: SEED, maxDelayMs: 100 },
  );
  dir = await mkdtemp(join(tmpdir(), 'mp-s3-runs-'));
}, 180_000);
afterAll(async () => {
  await proxy?.stop();
  await rgw?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
}, 60_000);

const timers: Timers = {
  setTimeout: (callback, ms) => setTimeout(callback, ms),
  clearTimeout: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

describe('runs on S3 behind a faulty network', () => {
  it(`commit completely or not at all over ${RUNS} runs`, async () => {
    const bucket = await rgw.createBucket();
    const common = {
      bucket,
      region: rgw.region,
      forcePathStyle: true,
      credentials: rgw.credentials,
    };
    const faulty = {
      ...common,
      endpoint: proxy.endpoint,
      retry: { attempts: 6, baseDelayMs: 5, maxDelayMs: 50 },
      random: seededRandom(SEED + 1),
    };
    const store = createS3Store({ ...faulty, prefix: 'desk' });
    store.setConditionalDelete(false); // RGW 16 (the self-test's finding)
    const direct = createS3Store({ ...common, endpoint: rgw.endpoint, prefix: 'desk' });
    const clock = systemClock;
    let n = 0;
    const pipeline = createPipeline({
      store,
      clock,
      ids: { nextId: () => `id-${++n}` },
      timers,
      sink: createS3Sink(createS3Store({ ...faulty, prefix: 'desk/exports' })),
      codec: spreadsheetCodec,
      settings: { businessTimeZone: 'UTC', leaseTtlMs: LEASE_TTL_MS },
    });

    // Run i reads 20 + i rows: its input count names it in the committed records.
    const reported = new Map<number, number>(); // run id → i, for runs reported committed
    const outcomes: Record<string, number> = {};
    for (let i = 0; i < RUNS; i++) {
      const { header, rows } = colorsToTable(
        generateColors({ rows: 20 + i, seed: i + 1, businessDate: '2026-11-20' }),
      );
      const source = tableSource(`run-${i}`, [header, ...rows]);
      for (let attempt = 0; ; attempt++) {
        const t0 = Date.now();
        try {
          const result = await pipeline.run({
            requestedBy: 'cli:tester',
            trigger: 'cli',
            source,
            includePendingUploads: false,
          });
          outcomes[result.record.status] = (outcomes[result.record.status] ?? 0) + 1;
          if (result.record.status === 'success') reported.set(result.record.id, i);
          if (process.env.MP_S3_FAULT_TRACE) console.info(i, result.record.status, Date.now() - t0);
        } catch (err) {
          expect(isMarketPulseError(err), String(err)).toBe(true);
          const code = (err as { code: string }).code;
          if (process.env.MP_S3_FAULT_TRACE) console.info(i, code, Date.now() - t0, String(err));
          // The lease of a run cut short is taken over once it has stood unchanged for its TTL:
          // try again, for up to 15 TTLs (a generous bound on a loaded machine).
          if (code === 'CONFLICT' && attempt < 60) {
            await new Promise((resolve) => setTimeout(resolve, LEASE_TTL_MS / 4));
            continue;
          }
          outcomes[code] = (outcomes[code] ?? 0) + 1;
        }
        break;
      }
    }

    // What is stored, read without faults.
    proxy.setEnabled(false);
    const committed = (await listRuns(direct)).filter(
      (run) => run.state === 'committed' && run.record.status === 'success',
    );
    const runOf = new Map<number, number>(); // i → how many committed runs read its rows
    for (const run of committed) {
      if (run.state !== 'committed') continue;
      const i = run.record.counts.input - 20;
      runOf.set(i, (runOf.get(i) ?? 0) + 1);
      // Complete: every object the record names is there, with its checksum and line count.
      const rows = await readRunRows(direct, run.record);
      expect(rows).toHaveLength(run.record.counts.output);
    }
    // Nothing duplicated; nothing reported committed is missing.
    expect([...runOf.values()].every((count) => count === 1)).toBe(true);
    for (const [id, i] of reported) {
      const run = committed.find((r) => r.id === id);
      expect(run?.state === 'committed' && run.record.counts.input - 20).toBe(i);
    }
    await readCurrentView(direct); // readable, checksums and all
    expect(reported.size).toBeGreaterThan(RUNS / 2);
    expect(Object.values(outcomes).reduce((a, b) => a + b, 0)).toBe(RUNS);
    // The faults happened, and some runs did not commit because of them.
    expect(
      proxy.counts.dropBefore + proxy.counts.fail500After + proxy.counts.dropAfter,
    ).toBeGreaterThan(5);
    console.info('outcomes', outcomes, 'proxy', proxy.counts);
    store.destroy();
    direct.destroy();
  }, 600_000);
});
