// The Lambda handlers wired from configuration: the store and exports MP_STORE / MP_EXPORTS name
// (S3 — a function's disk is neither shared nor kept), opened once per container on the first
// invocation, the API and the scheduler on them.
import { createRequire } from 'node:module';
import {
  createScheduler,
  MarketPulseError,
  type Scheduler,
  type StoreUpkeepReport,
  storeUpkeep,
} from '@market-pulse/core';
import {
  loadConfig,
  type NodeHost,
  openNodeHost,
  openStorage,
  randomIds,
  systemClock,
  systemTimers,
} from '@market-pulse/node';
import type { LambdaEvent } from 'hono/aws-lambda';
import { createApp } from './app.js';
import type { AccessLogger } from './dependencies.js';
import { lambdaApiHandler, lambdaScheduleHandler, type ScheduledCheck } from './lambda.js';
import { appDependenciesOf } from './node-app.js';

const VERSION = (createRequire(import.meta.url)('../package.json') as { version: string }).version;

/** How {@link createLambdaHandlers} opens the storage and names the function. */
export interface LambdaHandlersOptions {
  /** The configuration's variables (default `process.env`). */
  env?: Readonly<Record<string, string | undefined>>;
  /** The scheduler's name in heartbeats: one per function, not per invocation (default `lambda-scheduler`). */
  instanceId?: string;
  /** Access and error logs (default: none). */
  logger?: AccessLogger;
}

/** The API and scheduled handlers of a function, on the storage its configuration names. */
export interface LambdaHandlers {
  /** API Gateway (REST/HTTP, v1/v2) and function URL events. */
  api(event: LambdaEvent, context?: unknown): Promise<unknown>;
  /**
   * An EventBridge rule's invocation (e.g. every minute): one scheduler tick and its run, then the
   * store's upkeep when `MP_ACCOUNTS_MAINTENANCE_SECONDS` have passed since this container's last.
   */
  schedule(event?: unknown): Promise<ScheduledCheck>;
  /** The host once opened (tests, warm-up). */
  host(): Promise<NodeHost>;
}

interface Opened {
  host: NodeHost;
  api: ReturnType<typeof lambdaApiHandler>;
  scheduler: Scheduler;
  /** The store's upkeep when due (per container; replicas doing it at once is safe), else null. */
  upkeepWhenDue: () => Promise<StoreUpkeepReport | null>;
}

/**
 * The Lambda handlers on the storage `MP_STORE` names (with `MP_S3_*`, `MP_EXPORTS` and the
 * standard AWS credential chain — the function's role). Opened on the first invocation and kept
 * for the container's life; a failed opening is tried again on the next invocation. Refuses
 * (UNAVAILABLE) the file store — a function's disk is neither shared nor kept — and an S3 server
 * that ignores conditional writes. Nothing is read from or written to the local disk: uploads,
 * exports and templates go through the store, the export sink and memory.
 *
 * @example
 * ```ts
 * // handler.mjs — one function for the API, one (or the same) for an EventBridge schedule
 * import { createLambdaHandlers } from '@market-pulse/http';
 * const handlers = createLambdaHandlers();
 * export const api = (event, context) => handlers.api(event, context);
 * export const schedule = (event) => handlers.schedule(event);
 * ```
 */
export function createLambdaHandlers(options: LambdaHandlersOptions = {}): LambdaHandlers {
  let opening: Promise<Opened> | undefined;
  const opened = () => {
    opening ??= open(options).catch((err: unknown) => {
      opening = undefined;
      throw err;
    });
    return opening;
  };
  const schedule = lambdaScheduleHandler(
    async () => (await opened()).scheduler,
    async () => (await opened()).upkeepWhenDue(),
  );
  return {
    api: async (event, context) =>
      (await opened()).api(event as never, context as never) as Promise<unknown>,
    schedule: (event) => schedule(event as Record<string, unknown>),
    host: async () => (await opened()).host,
  };
}

async function open(options: LambdaHandlersOptions): Promise<Opened> {
  const config = loadConfig(options.env ?? process.env);
  if (config.store.kind !== 's3')
    throw new MarketPulseError(
      'UNAVAILABLE',
      "the Lambda handlers need an S3 store: set MP_STORE=s3://<bucket>/<prefix> (a function's local disk is neither shared between instances nor kept)",
    );
  const storage = await openStorage(config.store, '', { exports: config.exports });
  if (!storage.conditionalWrites.honoured) {
    storage.close();
    throw new MarketPulseError(
      'UNAVAILABLE',
      `the S3 server of ${storage.storeLocation} ignores conditional writes (${storage.conditionalWrites.problems.join('; ')}): the scheduler would have no locks there`,
    );
  }
  const host = openNodeHost({ config, dataDir: '', storage, cwd: '/' });
  const app = createApp(
    appDependenciesOf({
      host,
      config,
      version: VERSION,
      ...(options.logger ? { logger: options.logger } : {}),
    }),
  );
  const scheduler = createScheduler({
    store: host.store,
    clock: systemClock,
    ids: randomIds,
    timers: systemTimers,
    probe: host.probe,
    leaseTtlMs: config.lease.ttlSeconds * 1000,
    maxSleepMs: config.lease.heartbeatSeconds * 1000,
    instanceId: options.instanceId ?? 'lambda-scheduler',
    runner: async ({ trigger, jobId, fire, lease, requestedBy }) =>
      (await host.pipeline.run({ trigger, jobId, fire, pipelineLease: lease, requestedBy })).record,
  });
  let lastUpkeepMs = Number.NEGATIVE_INFINITY;
  const upkeepWhenDue = async () => {
    const nowMs = systemClock.now().getTime();
    if (nowMs - lastUpkeepMs < config.accounts.maintenanceSeconds * 1000) return null;
    lastUpkeepMs = nowMs;
    return storeUpkeep({ store: host.store, clock: systemClock }, 'lambda:upkeep');
  };
  return { host, api: lambdaApiHandler(app), scheduler, upkeepWhenDue };
}
