// AWS Lambda: two handlers over one S3 store, from `createLambdaHandlers`. `api` answers API
// Gateway (v1/v2) and function URL events; `tick` is invoked by an EventBridge schedule (e.g. every
// minute) and performs the due fires and the dead-man check, so scheduled jobs run without a
// long-lived process (SPEC §12). MP_STORE=s3://<bucket>/<prefix> names the store (the handlers
// refuse a local folder — a function's disk is neither shared nor kept — and an S3 server that
// ignores conditional writes); the function's role supplies the credentials. Everything is opened
// once per container, on the first invocation.
import { pathToFileURL } from 'node:url';
import { createLambdaHandlers } from '@market-pulse/http';

/** The two handlers of a deployment, over the store the environment configures. */
export function createHandlers(env: Readonly<Record<string, string | undefined>>) {
  const handlers = createLambdaHandlers({ env });
  return {
    api: (event: Parameters<typeof handlers.api>[0], context?: unknown) =>
      handlers.api(event, context),
    tick: (event?: unknown) => handlers.schedule(event),
  };
}

// What the function's handler settings name: `handlers.api` and `handlers.tick`.
const handlers = process.env.AWS_LAMBDA_FUNCTION_NAME ? createHandlers(process.env) : undefined;
export const api = handlers?.api;
export const tick = handlers?.tick;

// Locally, with MP_STORE set: `node --import tsx examples/aws-lambda/handlers.ts` ticks once.
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(await createHandlers(process.env).tick());
}
