import { OpenAPIHono } from '@hono/zod-openapi';
import { createDashboardReader, type DashboardReader } from '@market-pulse/core';
import { compress } from 'hono/compress';
import { cors } from 'hono/cors';
import { etag } from 'hono/etag';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import { secureHeaders } from 'hono/secure-headers';
import { accessLog } from './access-log.js';
import { adminAccountsArea } from './areas/admin-accounts.js';
import { authArea } from './areas/auth.js';
import { cloMappingsArea } from './areas/clo-mappings.js';
import { columnsArea } from './areas/columns.js';
import { dashboardArea } from './areas/dashboard.js';
import { jobsArea } from './areas/jobs.js';
import { rulesArea } from './areas/rules.js';
import { runsArea } from './areas/runs.js';
import { searchArea } from './areas/search.js';
import { systemArea } from './areas/system.js';
import { uploadsArea } from './areas/uploads.js';
import type { AppDependencies, AppEnv } from './dependencies.js';
import { docsPage } from './docs-page.js';
import { type ErrorBody, HttpProblem, problemOf, requestProblem } from './problems.js';

/** The codes of statuses Hono raises itself (a malformed JSON body, …). */
const CODE_OF_STATUS: Record<number, string> = {
  400: 'VALIDATION_ERROR',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
};

/** The OpenAPI document's fixed part. */
export const API_INFO = {
  title: 'Market Pulse API',
  description:
    'Structured-credit colors: runs, exclusion rules, scheduled jobs, the upload buffer and the system state. Errors are `{"error":{"code","message","details"}}`; lists take `skip`/`limit` and return `total`; versioned documents honour `If-Match`; reads carry an `ETag` and honour `If-None-Match`.',
};

/**
 * The Market Pulse HTTP API as a Hono app over core's services. Does no I/O until it serves a
 * request; mount it in any server (`@hono/node-server`, a Lambda adapter, `app.fetch`).
 *
 * @example
 * ```ts
 * const app = createApp(appDependenciesOf(host, config));
 * serve({ fetch: app.fetch, port: 3334, hostname: '127.0.0.1' });
 * ```
 */
export function createApp(options: AppDependencies): OpenAPIHono<AppEnv> {
  const deps: AppDependencies = {
    ...options,
    dashboard:
      options.dashboard ??
      createDashboardReader({
        store: options.store,
        clock: options.clock,
        businessTimeZone: options.businessTimeZone,
        freshnessMs: 0,
      }),
  };
  const dashboard = deps.dashboard as DashboardReader;
  const app = new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw requestProblem(result.target, result.error.issues);
    },
  });
  app.use(requestId({ headerName: 'X-Request-Id' }));
  app.use(accessLog(deps.logger));
  app.use(
    secureHeaders({
      // The docs page loads its own script and styles from this app only.
      contentSecurityPolicy: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        connectSrc: ["'self'"],
        objectSrc: ["'none'"],
        frameAncestors: ["'none'"],
      },
    }),
  );
  const origins = new Set(deps.corsOrigins ?? []);
  if (origins.size > 0)
    app.use(
      cors({
        origin: (origin) => (origins.has(origin) ? origin : null),
        allowHeaders: [
          'Authorization',
          'Content-Type',
          'If-Match',
          'If-None-Match',
          'Idempotency-Key',
          'X-Request-Id',
        ],
        exposeHeaders: ['ETag', 'X-Request-Id', 'Retry-After'],
        maxAge: 600,
      }),
    );
  // A change made through this app shows on its dashboard at once, whatever the freshness window.
  app.use(async (c, next) => {
    await next();
    if (c.req.method !== 'GET' && c.req.method !== 'HEAD') dashboard.invalidate();
  });
  app.use(compress());
  app.use(etag());

  app.route('/', systemArea(deps));
  app.route('/', authArea(deps));
  app.route('/', adminAccountsArea(deps));
  app.route('/', runsArea(deps));
  app.route('/', rulesArea(deps));
  app.route('/', jobsArea(deps));
  app.route('/', uploadsArea(deps));
  app.route('/', dashboardArea(deps));
  app.route('/', columnsArea(deps));
  app.route('/', cloMappingsArea(deps));
  app.route('/', searchArea(deps));

  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: { ...API_INFO, version: deps.version },
  });
  app.route('/', docsPage());

  app.notFound((c) =>
    c.json<ErrorBody>(
      { error: { code: 'NOT_FOUND', message: `no operation ${c.req.method} ${c.req.path}` } },
      404,
    ),
  );
  app.onError((err, c) => {
    if (err instanceof HTTPException && !(err instanceof HttpProblem)) {
      const status = err.status;
      if (status === 401) c.header('WWW-Authenticate', 'Bearer realm="market-pulse"');
      return c.json<ErrorBody>(
        {
          error: {
            code: CODE_OF_STATUS[status] ?? 'INTERNAL',
            message: err.message || 'bad request',
          },
        },
        status === 500 ? 500 : (status as 400),
      );
    }
    const { status, body } = problemOf(err);
    if (status === 401) c.header('WWW-Authenticate', 'Bearer realm="market-pulse"');
    const retryAfter = (body.error.details as { retryAfterSeconds?: unknown } | undefined)
      ?.retryAfterSeconds;
    if (status === 429 && typeof retryAfter === 'number')
      c.header('Retry-After', String(retryAfter));
    if (status >= 500) deps.logger?.error({ err, requestId: c.get('requestId') }, 'request failed');
    return c.json(body, status);
  });
  return app;
}
