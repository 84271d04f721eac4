// `market-pulse serve` hosts the HTTP API next to the scheduler: a real process on an ephemeral
// port, a "run now" request in flight when SIGTERM comes (held at a failpoint, so the timing is
// deterministic), drained before the process stops; a second process on the same port is refused.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { colorsToTable, generateColors } from '@market-pulse/core/sample';
import { describe, expect, it } from 'vitest';
import { cli, useWorkspaces } from './helpers.js';
import { start, stopChildren } from './processes.js';
import { adminAuthorization, adminEnv } from './serve-admin.js';

const workspace = useWorkspaces('mp-serve-http-', stopChildren);

describe('market-pulse serve (HTTP)', () => {
  it('answers on 127.0.0.1, drains a run-now request on SIGTERM, refuses a port in use', async () => {
    const dir = await workspace();
    const table = colorsToTable(generateColors({ rows: 200, seed: 9, businessDate: '2026-11-20' }));
    await writeFile(
      join(dir, 'source.csv'),
      [table.header.join(','), ...table.rows.map((r) => r.join(','))].join('\n'),
    );
    const env = { MP_SOURCE: join(dir, 'source.csv'), MP_PORT: '0', ...(await adminEnv(dir)) };
    expect((await cli(dir, ['init'], { MP_DATA_DIR: join(dir, 'market-pulse-data') })).code).toBe(
      0,
    );
    const serve = start(dir, ['serve'], { ...env, MP_FAILPOINT: 'run.after-running-record:pause' });
    await serve.stderrIncludes('serving: scheduler started');
    const url = /"url":"(http:\/\/[^"]+)"/.exec(serve.stderr())?.[1] as string;
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const health = await fetch(`${url}api/health`, { headers: { 'X-Request-Id': 'probe-1' } });
    expect(await health.json()).toEqual({ status: 'ok' });
    await serve.stderrIncludes('"requestId":"probe-1"');
    expect(serve.stderr()).toMatch(/created the first admin/);
    // Every non-public operation needs a token; the first admin's works.
    const signedOut = await fetch(`${url}api/rules`);
    expect(signedOut.status).toBe(401);
    expect(signedOut.headers.get('www-authenticate')).toMatch(/^Bearer/);
    const headers = await adminAuthorization(url);
    expect((await fetch(`${url}api/rules`, { headers })).status).toBe(200);

    const port = new URL(url).port;
    const second = await start(dir, ['serve'], { ...env, MP_PORT: port }).done;
    expect(second.code).not.toBe(0);
    expect(second.stderr).toMatch(/address is in use.*--port/);

    const runNow = fetch(`${url}api/runs`, { method: 'POST', headers });
    await serve.stderrIncludes('failpoint run.after-running-record paused');
    serve.child.kill('SIGTERM');
    await serve.stderrIncludes('stopping: draining the requests and the run in progress');
    expect(serve.stderr()).toMatch(/"requestsInFlight":1/);
    expect(serve.stderr()).not.toMatch(/"msg":"stopped"/);
    serve.child.kill('SIGUSR2'); // the run goes on and commits; its response is sent; then the stop
    const response = await runNow;
    expect(response.status).toBe(201);
    expect(((await response.json()) as { record: { status: string } }).record.status).toBe(
      'success',
    );
    const finished = await serve.done;
    expect(finished.code, finished.stderr).toBe(0);
    expect(finished.stderr).toMatch(/"msg":"stopped"/);
  }, 120_000);
});
