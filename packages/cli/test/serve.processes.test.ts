// `market-pulse serve` as real processes: two replicas on one data folder (see serve-replicas.ts;
// three to four minutes), and a stop during a run.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { createJob } from '@market-pulse/core';
import { colorsToTable, generateColors } from '@market-pulse/core/sample';
import { createManualClock } from '@market-pulse/core/testing';
import { createFileStore } from '@market-pulse/node';
import { describe, expect, it } from 'vitest';
import { cli, useWorkspaces } from './helpers.js';
import { start, stopChildren } from './processes.js';
import { twoReplicasEveryMinute } from './serve-replicas.js';

const workspace = useWorkspaces('mp-serve-', stopChildren);

describe('market-pulse serve', () => {
  it('two replicas, an every-minute job, three real minutes: exactly one run per minute', async () => {
    const dir = await workspace();
    await twoReplicasEveryMinute(dir, { MP_DATA_DIR: join(dir, 'market-pulse-data') }, async () =>
      createFileStore({ dir: join(dir, 'market-pulse-data', 'store') }),
    );
  }, 400_000);

  it('a stop during a run says it waits for it, waits, and then stops cleanly', async () => {
    const dir = await workspace();
    const table = colorsToTable(generateColors({ rows: 50, seed: 6, businessDate: '2026-11-20' }));
    await writeFile(
      join(dir, 'source.csv'),
      [
        table.header.join(','),
        ...table.rows.map((r) => r.map((c) => String(c ?? '')).join(',')),
      ].join('\n'),
    );
    expect((await cli(dir, ['init'], { MP_DATA_DIR: join(dir, 'market-pulse-data') })).code).toBe(
      0,
    );
    // A job created five minutes ago: the first tick finds its last minute due and runs it
    // (catch-up) — no waiting for a minute boundary.
    const store = createFileStore({ dir: join(dir, 'market-pulse-data', 'store') });
    await createJob(
      {
        store,
        clock: createManualClock(new Date(Date.now() - 5 * 60_000)),
        defaultTimeZone: 'UTC',
      },
      {
        name: 'every minute',
        cron: '* * * * *',
        source: { kind: 'file', path: join(dir, 'source.csv') },
      },
      { actor: 'cli:tester' },
    );
    const serve = start(dir, ['serve'], {
      MP_FAILPOINT: 'run.after-running-record:pause',
      MP_PORT: '0',
    });
    await serve.stderrIncludes('failpoint run.after-running-record paused');
    serve.child.kill('SIGTERM');
    await serve.stderrIncludes('stopping: draining the requests and the run in progress');
    expect(serve.stderr()).not.toMatch(/"msg":"stopped"/);
    serve.child.kill('SIGUSR2'); // the run goes on, commits, and the stop completes
    const finished = await serve.done;
    expect(finished.code, finished.stderr).toBe(0);
    expect(finished.stderr).toMatch(
      /"type":"fire-settled","jobId":"1","nominal":"[^"]+","status":"success"/,
    );
    expect(finished.stderr).toMatch(/"msg":"stopped"/);
    const status = await cli(dir, ['status'], { MP_DATA_DIR: join(dir, 'market-pulse-data') });
    expect(status.stdout).toMatch(/stopped \(cleanly/);
    expect(status.stdout).toMatch(/last runs: 1 success/);
  }, 120_000);
});
