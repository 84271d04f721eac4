// status tells the truth about schedulers: a running `serve`, one that stopped cleanly, and one
// that went silent (died) are three different lines; the stop log says it waits only when it does.
import { join } from 'node:path';
import { createFileStore } from '@market-pulse/node';
import { describe, expect, it } from 'vitest';
import { writeHeartbeat } from '../../core/src/schedule/heartbeats.js';
import { runCli } from '../src/cli.js';
import { cli, useWorkspaces } from './helpers.js';

const workspace = useWorkspaces('mp-status-');

/** `serve` in this process, stopped by its abort signal; its log is awaited line by line. */
function serveInProcess(cwd: string) {
  const stop = new AbortController();
  let log = '';
  const waiting: [string, () => void][] = [];
  const done = runCli(['serve'], {
    stdout: () => undefined,
    stderr: (t) => {
      log += t;
      for (const [text, resolve] of waiting) if (log.includes(text)) resolve();
    },
    env: { MP_BUSINESS_TZ: 'America/New_York', MP_PORT: '0' },
    cwd,
    stderrIsTTY: false,
    stopSignal: stop.signal,
  });
  const logged = (text: string) =>
    new Promise<void>((resolve) =>
      log.includes(text) ? resolve() : waiting.push([text, resolve]),
    );
  return { stop: () => stop.abort(), done, logged, log: () => log };
}

describe('status and schedulers', () => {
  it('running, then stopped cleanly (not "last heartbeat N s ago"), and a silent one is not running', async () => {
    const cwd = await workspace();
    expect((await cli(cwd, ['init'])).code).toBe(0);
    expect((await cli(cwd, ['status'])).stdout).toMatch(/schedulers: none has run here/);
    const serve = serveInProcess(cwd);
    // The end of the first tick (its heartbeat is written by then): the dead-man check is logged.
    await serve.logged('"msg":"dead-man check: off"');
    expect((await cli(cwd, ['status'])).stdout).toMatch(
      /schedulers: \S+ \(pid \d+ on \S+\) running \(last heartbeat \d+ s ago\)/,
    );
    serve.stop();
    expect(await serve.done).toBe(0);
    // No fire was running: the stop does not claim to wait for one.
    expect(serve.log()).toMatch(/"msg":"stopping"/);
    expect(serve.log()).not.toMatch(/draining/);
    expect(serve.log()).toMatch(/"msg":"stopped"/);
    const after = await cli(cwd, ['status']);
    expect(after.stdout).toMatch(
      /schedulers: \S+ \(pid \d+ on \S+\) stopped \(cleanly, .* (just now|ago)\)/,
    );
    expect(after.stdout).not.toMatch(/last heartbeat/);
    const json = JSON.parse((await cli(cwd, ['status', '--json'])).stdout);
    expect(json.schedule.schedulers).toEqual([
      expect.objectContaining({ state: 'stopped', stoppedAt: expect.any(String) }),
    ]);

    // A scheduler that died ten minutes ago left its last heartbeat behind.
    const store = createFileStore({ dir: join(cwd, 'market-pulse-data', 'store') });
    await writeHeartbeat(store, {
      instanceId: 'ghost',
      at: new Date(Date.now() - 10 * 60_000).toISOString(),
      everyMs: 15_000,
      pid: 4242,
      host: 'desk-1',
    });
    expect((await cli(cwd, ['status'])).stdout).toMatch(
      /ghost \(pid 4242 on desk-1\) not running \(last seen \w{3} \d{4}-\d\d-\d\d \d\d:\d\d [-+]\d\d:\d\d, 10 min ago\)/,
    );
  });
});
