// Two `market-pulse serve` processes on one data folder: a run committed through one is visible
// in the other's dashboard at its next request, with a new data version and ETag — with the
// dashboard's freshness window at 0 (MP_DASHBOARD_FRESHNESS_MS; by default a change made by
// another process shows within 1 s; core's dashboard-reader test covers the window).
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { colorsToTable, generateColors } from '@market-pulse/core/sample';
import { describe, expect, it } from 'vitest';
import { cli, useWorkspaces } from './helpers.js';
import { start, stopChildren } from './processes.js';
import { adminAuthorization, adminEnv } from './serve-admin.js';

const workspace = useWorkspaces('mp-serve-two-', stopChildren);

describe('two serve processes on one data folder', () => {
  it("a run committed by one is in the other's dashboard at once, with a new data version and ETag", async () => {
    const dir = await workspace();
    const table = colorsToTable(generateColors({ rows: 150, seed: 4, businessDate: '2026-11-20' }));
    await writeFile(
      join(dir, 'source.csv'),
      [table.header.join(','), ...table.rows.map((r) => r.join(','))].join('\n'),
    );
    const env = {
      MP_SOURCE: join(dir, 'source.csv'),
      MP_PORT: '0',
      MP_DASHBOARD_FRESHNESS_MS: '0',
      ...(await adminEnv(dir)),
    };
    expect((await cli(dir, ['init'], { MP_DATA_DIR: join(dir, 'market-pulse-data') })).code).toBe(
      0,
    );
    const servers = [start(dir, ['serve'], env), start(dir, ['serve'], env)];
    await Promise.all(servers.map((s) => s.stderrIncludes('serving: scheduler started')));
    const [a, b] = servers.map((s) => /"url":"(http:\/\/[^"]+)"/.exec(s.stderr())?.[1] as string);
    // Signed in at one replica, the token works at the other (one signing key in the store).
    const headers = await adminAuthorization(a as string);

    const before = await fetch(`${b}api/dashboard/colors?limit=5`, { headers });
    const tag = before.headers.get('etag') as string;
    expect(((await before.json()) as { total: number; dataVersion: number }).total).toBe(0);
    expect(
      (
        await fetch(`${b}api/dashboard/colors?limit=5`, {
          headers: { ...headers, 'If-None-Match': tag },
        })
      ).status,
    ).toBe(304);

    const run = await fetch(`${a}api/runs`, { method: 'POST', headers });
    expect(run.status).toBe(201);
    const after = await fetch(`${b}api/dashboard/colors?limit=5`, {
      headers: { ...headers, 'If-None-Match': tag },
    });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(tag);
    const page = (await after.json()) as {
      total: number;
      dataVersion: number;
      items: { RUN_ID: number }[];
    };
    expect(page.total).toBeGreaterThan(0);
    expect(page.items[0]?.RUN_ID).toBe(1);

    for (const s of servers) s.child.kill('SIGTERM');
    for (const s of servers) expect((await s.done).code).toBe(0);
  }, 120_000);
});
