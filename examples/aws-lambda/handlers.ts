// AWS Lambda: two handlers over one store. `api` answers API Gateway (v1/v2) and function URL
// events; `tick` is invoked by an EventBridge schedule (e.g. every minute) and performs the due
// fires and the dead-man check, so scheduled jobs run without a long-lived process (SPEC §12).
// Deployed, MP_STORE=s3://<bucket>/<prefix> points the host at S3 (`openStorage`, after its
// conditional-write self-test); the data folder is then only Lambda's /tmp. Everything is built
// once per container, outside the handlers.
import { pathToFileURL } from 'node:url';
import { createScheduler, initializeStore } from '@market-pulse/core';
import {
  appDependenciesOf,
  createApp,
  lambdaApiHandler,
  lambdaScheduleHandler,
} from '@market-pulse/http';
import {
  loadConfig,
  openNodeHost,
  openStorage,
  randomIds,
  systemClock,
  systemTimers,
} from '@market-pulse/node';

/** The two handlers of a deployment, over the store the environment configures. */
export async function createHandlers(env: Readonly<Record<string, string | undefined>>) {
  const dataDir = env.MP_DATA_DIR ?? '/tmp/market-pulse';
  const config = loadConfig({ ...env, MP_DATA_DIR: dataDir });
  const storage = await openStorage(config.store, dataDir);
  // A bucket (or an S3-compatible server) that ignores conditional writes would let two
  // invocations run one fire twice: refuse to start on it.
  if (!storage.conditionalWrites.honoured)
    throw new Error(
      `the store ignores conditional writes: ${storage.conditionalWrites.problems.join('; ')}`,
    );
  const host = openNodeHost({ config, dataDir, cwd: dataDir, storage });
  const ready = initializeStore(host.store);
  const app = createApp(appDependenciesOf({ host, config, version: 'lambda-example' }));
  const scheduler = createScheduler({
    store: host.store,
    clock: systemClock,
    ids: randomIds,
    timers: systemTimers,
    probe: host.probe,
    // One instance id per function, not per invocation: heartbeats do not pile up.
    instanceId: 'lambda-scheduler',
    runner: async ({ trigger, jobId, fire, lease, requestedBy }) =>
      (await host.pipeline.run({ trigger, jobId, fire, pipelineLease: lease, requestedBy })).record,
  });
  const api = lambdaApiHandler(app);
  const tick = lambdaScheduleHandler(async () => {
    await ready;
    return scheduler;
  });
  return {
    api: async (event: Parameters<typeof api>[0], context?: Parameters<typeof api>[1]) => {
      await ready;
      return api(event, context);
    },
    tick,
  };
}

// What the function's handler settings name: `handlers.api` and `handlers.tick`.
const handlers = process.env.AWS_LAMBDA_FUNCTION_NAME
  ? await createHandlers(process.env)
  : undefined;
export const api = handlers?.api;
export const tick = handlers?.tick;

// Locally: `node --import tsx examples/aws-lambda/handlers.ts` invokes the scheduled handler once.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const local = await createHandlers({
    ...process.env,
    MP_DATA_DIR: process.argv[2] ?? 'lambda-data',
  });
  console.log(await local.tick());
}
