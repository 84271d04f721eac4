// Two real `market-pulse serve` processes on one store and an every-minute job, for three real
// minutes (SPEC §5 "exactly once across processes"), on the data folder or on S3. Waits on the
// processes' own log lines, never on a timer, so a loaded machine only makes it slower.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { listFires, listRuns, type ObjectStore } from '@market-pulse/core';
import { colorsToTable, generateColors } from '@market-pulse/core/sample';
import { expect } from 'vitest';
import { cli } from './helpers.js';
import { start } from './processes.js';

/** The nominal times of the fires a process reports as settled. */
const settled = (log: string) =>
  [...log.matchAll(/"type":"fire-settled","jobId":"1","nominal":"([^"]+)"/g)].map(
    (m) => m[1] as string,
  );

/**
 * Runs the scenario in `dir` with the replicas' environment `env` (the store they share), then
 * checks the fires and runs in the store `openStore` opens: one run per minute, none twice.
 */
export async function twoReplicasEveryMinute(
  dir: string,
  env: Record<string, string>,
  openStore: () => Promise<ObjectStore>,
): Promise<void> {
  const table = colorsToTable(generateColors({ rows: 300, seed: 5, businessDate: '2026-11-20' }));
  const csv = [
    table.header.join(','),
    ...table.rows.map((r) => r.map((c) => String(c ?? '')).join(',')),
  ];
  await writeFile(join(dir, 'source.csv'), csv.join('\n'));
  // No MP_SOURCE: each fire reads the job's own source.
  expect((await cli(dir, ['init'], env)).code).toBe(0);
  // A fire claimed late on a loaded machine is still "scheduled" (the default tolerance is 2 min).
  expect((await cli(dir, ['jobs', 'settings', '--lateness', '30'], env)).code).toBe(0);

  // The replicas first, then the job: however long they take to start, no fire of the job
  // comes due before they run (each finds the new job at its next tick, within 15 s).
  // Each replica's HTTP API on a port of its own (0: any free port).
  const serveEnv = { ...env, MP_PORT: '0' };
  const replicas = [start(dir, ['serve'], serveEnv), start(dir, ['serve'], serveEnv)];
  await Promise.all(replicas.map((r) => r.stderrIncludes('serving: scheduler started')));
  const added = await cli(
    dir,
    [
      'jobs',
      'add',
      '--name',
      'every minute',
      '--cron',
      '* * * * *',
      '--tz',
      'UTC',
      '--source',
      'source.csv',
      '--json',
    ],
    env,
  );
  expect(added.code).toBe(0);
  const createdAt = Date.parse(JSON.parse(added.stdout).createdAt);
  // Wait until the replicas together have settled three fires.
  await new Promise<void>((resolve) => {
    const check = () => {
      if (new Set(replicas.flatMap((r) => settled(r.stderr()))).size >= 3) resolve();
    };
    for (const r of replicas) r.child.stderr?.on('data', check);
    check();
  });
  for (const r of replicas) r.child.kill('SIGTERM');
  const finished = await Promise.all(replicas.map((r) => r.done));
  expect(finished.map((f) => f.code)).toEqual([0, 0]); // a clean stop after the run in progress
  const stoppedAt = Date.now();

  const store = await openStore();
  const fires = await listFires(store, '1', { fromMs: createdAt, toMs: stoppedAt });
  const minutes = fires.map((f) => f.nominal);
  // One record per minute boundary since the job was created, no gaps, none twice.
  expect(minutes.length).toBeGreaterThanOrEqual(3);
  for (let i = 1; i < minutes.length; i++)
    expect(Date.parse(minutes[i] as string) - Date.parse(minutes[i - 1] as string)).toBe(60_000);
  expect(Date.parse(minutes[0] as string) - createdAt).toBeLessThanOrEqual(60_000);
  // Every settled fire ran exactly once; each scheduled run belongs to exactly one fire.
  // A stop waits for the run in progress: nothing is left running.
  expect(fires.map((f) => f.status)).toEqual(fires.map(() => 'success'));
  const runs = (await listRuns(store)).flatMap((r) => (r.state === 'committed' ? [r.record] : []));
  const scheduled = runs.filter((r) => r.trigger === 'scheduled');
  expect(scheduled.map((r) => r.fire).sort()).toEqual(fires.map((f) => f.nominal).sort());
  expect(new Set(scheduled.map((r) => r.fire)).size).toBe(scheduled.length);
  for (const fire of fires)
    expect(scheduled.find((r) => r.id === fire.runId)?.fire).toBe(fire.nominal);
  expect(
    scheduled.every((r) => r.inputs.some((i) => i.origin === 'source' && i.rows === 300)),
  ).toBe(true);
  // Both replicas logged their clean stop.
  expect(finished.every((f) => f.stderr.includes('"msg":"stopped"'))).toBe(true);
}
