import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createJob,
  createScheduler,
  listFires,
  listRuns,
  type ObjectStore,
  runAutomation,
  storeUpkeep,
} from '@market-pulse/core';
import { generateColors } from '@market-pulse/core/sample';
import { createManualClock, createMemoryStore } from '@market-pulse/core/testing';
import { createFileStore } from '@market-pulse/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lambdaApiHandler, lambdaScheduleHandler } from '../src/lambda.js';
import { openTestApp } from './app-fixture.js';

let t: Awaited<ReturnType<typeof openTestApp>>;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

describe('AWS Lambda', () => {
  it('the API handler answers a recorded API Gateway v2 event', async () => {
    const event = JSON.parse(
      await readFile(new URL('./events/api-gateway-v2-get-rules.json', import.meta.url), 'utf8'),
    );
    const handler = lambdaApiHandler(t.app);
    const signedOut = (await handler(event)) as { statusCode: number };
    expect(signedOut.statusCode).toBe(401);
    event.headers.authorization = t.adminAuthorization;
    const result = (await handler(event)) as {
      statusCode: number;
      headers: Record<string, string>;
      body: string;
      isBase64Encoded: boolean;
    };
    expect(result.statusCode).toBe(200);
    expect(result.headers['x-request-id']).toBe('gw-req-1');
    const body = JSON.parse(
      result.isBase64Encoded ? Buffer.from(result.body, 'base64').toString('utf8') : result.body,
    );
    expect(body.limit).toBe(2);
    expect(body.items).toHaveLength(2);
  });

  it('the scheduled handler, invoked twice at once at a fire time on a file store, runs the fire exactly once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mp-lambda-'));
    try {
      const store: ObjectStore = createFileStore({ dir });
      const clock = createManualClock('2026-11-23T18:29:30Z');
      let n = 0;
      const ids = { nextId: () => `id-${++n}` };
      const job = await createJob(
        { store, clock, defaultTimeZone: 'UTC' },
        { name: 'close', cron: '30 18 * * *' },
        { actor: 'cli:tester' },
      );
      clock.set(new Date('2026-11-23T18:30:05Z')); // the fire is due
      const records = generateColors({ rows: 20, seed: 3, businessDate: '2026-11-23' });
      let runs = 0;
      // Two containers: each its own scheduler (instance id per function), one shared store.
      const handlerOf = (instanceId: string) => {
        const scheduler = createScheduler({
          store,
          clock,
          ids,
          // No loop in a Lambda: timers would only pace heartbeats of a long run.
          timers: { setTimeout: () => 0, clearTimeout: () => undefined },
          instanceId,
          runner: ({ trigger, jobId, fire, lease }) => {
            runs++;
            return runAutomation(
              { store, clock, ids, pipelineLease: lease },
              {
                trigger,
                jobId,
                fire,
                businessDate: '2026-11-23',
                inputs: [{ origin: 'source', processingType: 'AUTOMATED', records }],
              },
            );
          },
        });
        return lambdaScheduleHandler(() => scheduler);
      };
      const results = await Promise.all([handlerOf('lambda-a')({}), handlerOf('lambda-b')({})]);
      expect(runs).toBe(1);
      expect(results.filter((r) => r.ranFire)).toHaveLength(1);
      const fires = await listFires(store, job.id);
      expect(fires.map((f) => [f.nominal, f.status])).toEqual([
        ['2026-11-23T18:30:00.000Z', 'success'],
      ]);
      expect((await listRuns(store)).filter((r) => r.state === 'committed')).toHaveLength(1);
      // Invoked again a minute later: nothing is due, nothing runs.
      clock.set(new Date('2026-11-23T18:31:05Z'));
      await Promise.all([handlerOf('lambda-a')({}), handlerOf('lambda-b')({})]);
      expect(runs).toBe(1);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("the scheduled handler reports the upkeep's outcome, and a failed upkeep does not fail the tick", async () => {
    const store = createMemoryStore();
    const clock = createManualClock('2026-11-23T18:29:30Z');
    const scheduler = createScheduler({
      store,
      clock,
      ids: { nextId: () => 'id' },
      timers: { setTimeout: () => 0, clearTimeout: () => undefined },
      instanceId: 'lambda-a',
      runner: () => Promise.reject(new Error('no job is due')),
    });
    const done = await lambdaScheduleHandler(
      () => scheduler,
      () => storeUpkeep({ store, clock }, 'lambda:upkeep'),
    )({});
    expect(done.upkeep).toMatchObject({ sessionsPruned: 0, idempotencyKeysPruned: 0 });
    const failed = await lambdaScheduleHandler(
      () => scheduler,
      () => Promise.reject(new Error('store unreachable')),
    )({});
    expect(failed).toMatchObject({
      instanceId: 'lambda-a',
      upkeep: { failed: 'store unreachable' },
    });
    expect(await store.get('schedule/heartbeats/lambda-a.json')).not.toBeNull();
  });
});
