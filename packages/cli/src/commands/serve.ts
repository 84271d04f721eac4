import { createScheduler, type Pipeline, type SchedulerEvent } from '@market-pulse/core';
import { appDependenciesOf, createApp, listen } from '@market-pulse/http';
import { argon2Hasher, loadConfig, randomIds, systemClock, systemTimers } from '@market-pulse/node';
import type { Command } from 'commander';
import { type Logger, pino } from 'pino';
import { DATA_DIR_HELP } from '../common-options.js';
import { failpointsOf, openDataFolder } from '../data-folder.js';
import type { CliIO } from '../io.js';
import { createConfiguredAdmin, startAccountsUpkeep } from '../serve-accounts.js';
import { VERSION } from '../version.js';

/** Resolves on the stop signal, or on SIGINT/SIGTERM (handlers only while serving). */
function stopped(signal: AbortSignal | undefined): Promise<string> {
  if (signal)
    return signal.aborted
      ? Promise.resolve('stop signal')
      : new Promise((resolve) => signal.addEventListener('abort', () => resolve('stop signal')));
  return new Promise((resolve) => {
    const stop = (name: string) => () => {
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      resolve(name);
    };
    const onInt = stop('SIGINT');
    const onTerm = stop('SIGTERM');
    process.once('SIGINT', onInt);
    process.once('SIGTERM', onTerm);
  });
}

/**
 * SPEC §4 step 9: exports that lag the data (a refresh failed or was cut short after a commit, or
 * the per-sector formats changed) are rebuilt at start. A failure is logged; the next run retries.
 */
async function rebuildLaggingExports(pipeline: Pipeline, log: Logger): Promise<void> {
  try {
    const lag = await pipeline.exportsLag();
    if (!lag.lagging) return;
    log.info({ lag }, 'exports lag the data: rebuilding them');
    const result = await pipeline.refreshExports();
    if (result.upToDate === false)
      log.warn({ viewVersion: result.version }, 'exports still lag: the view kept changing');
    else log.info({ files: result.files.length, viewVersion: result.version }, 'exports rebuilt');
    for (const { name, reason } of result.failed ?? [])
      log.warn({ file: name }, `export file not written (${reason}); the next run retries it`);
  } catch (err) {
    log.warn(
      { err },
      `exports not rebuilt (${(err as Error).message}); the next run rebuilds them`,
    );
  }
}

export function registerServe(program: Command, io: CliIO, exit: (code: number) => void): void {
  program
    .command('serve')
    .description(
      'the long-running process: the HTTP API (/docs, /openapi.json) and the scheduler (each fire runs once across every replica on the data folder); logs JSON to stderr; on SIGINT/SIGTERM drains the requests and the run in progress, then stops',
    )
    .option('--data-dir <dir>', DATA_DIR_HELP)
    .option('--port <port>', 'the HTTP port (default MP_PORT, else 3334; 0 picks a free one)')
    .option(
      '--host <address>',
      'the address to listen on (default MP_HOST, else 127.0.0.1: this machine only)',
    )
    .action(async (o: { dataDir?: string; port?: string; host?: string }) => {
      // Validated before anything starts: a bad --port is refused like a bad MP_PORT.
      const { http } = loadConfig(io.env, {
        MP_DATA_DIR: o.dataDir,
        MP_PORT: o.port,
        MP_HOST: o.host,
      });
      const folder = await openDataFolder(io, { dataDir: o.dataDir, create: true });
      const log = pino(
        { base: { pid: process.pid }, timestamp: pino.stdTimeFunctions.isoTime },
        { write: (line: string) => io.stderr(line) },
      );
      const { pipeline } = folder;
      let deadMan: string | undefined;
      const onEvent = (event: SchedulerEvent) => {
        if (event.type === 'dead-man') {
          // Evaluated every tick: log when it changes, not each time.
          const state = event.status.state;
          if (state !== deadMan || (state === 'alert' && event.status.raised)) {
            deadMan = state;
            (state === 'alert' ? log.warn : log.info).call(
              log,
              { event },
              `dead-man check: ${state}`,
            );
          }
          return;
        }
        if (event.type === 'error') log.error({ event }, event.message);
        else log.info({ event }, event.type);
      };
      const scheduler = createScheduler({
        store: folder.store,
        clock: systemClock,
        ids: randomIds,
        timers: systemTimers,
        probe: folder.probe,
        failpoints: failpointsOf(io),
        leaseTtlMs: folder.config.lease.ttlSeconds * 1000,
        maxSleepMs: folder.config.lease.heartbeatSeconds * 1000,
        // The pipeline reads the job's own source and rules subset (else the configured ones).
        runner: async ({ trigger, jobId, fire, lease, requestedBy }) => {
          const result = await pipeline.run({
            trigger,
            jobId,
            fire,
            pipelineLease: lease,
            requestedBy,
          });
          for (const warning of result.warnings) log.warn({ runId: result.record.id }, warning);
          return result.record;
        },
        onEvent,
      });
      await rebuildLaggingExports(pipeline, log);
      const hasher = argon2Hasher();
      await createConfiguredAdmin(
        { store: folder.store, clock: systemClock, hasher },
        folder.config.accounts,
        io.cwd,
        log,
      );
      const app = createApp(
        appDependenciesOf({
          host: folder,
          config: folder.config,
          version: VERSION,
          corsOrigins: http.corsOrigins,
          logger: log,
          hasher,
        }),
      );
      const server = await listen(app, { port: http.port, host: http.host });
      scheduler.start();
      const upkeep = startAccountsUpkeep({
        store: folder.store,
        clock: systemClock,
        timers: systemTimers,
        seconds: folder.config.accounts.maintenanceSeconds,
        log,
      });
      log.info(
        { dataDir: folder.dir, instanceId: scheduler.instanceId, url: server.url },
        `serving: scheduler started; API at ${server.url} (docs at ${server.url}docs)`,
      );
      const reason = await stopped(io.stopSignal);
      // Say we wait only when there is something to wait for.
      const draining = scheduler.busy() || server.inFlight() > 0;
      log.info(
        { reason, requestsInFlight: server.inFlight(), runInProgress: scheduler.busy() },
        draining ? 'stopping: draining the requests and the run in progress' : 'stopping',
      );
      upkeep.stop();
      await Promise.all([server.close(), scheduler.stop()]);
      log.info('stopped');
      exit(0);
    });
}
