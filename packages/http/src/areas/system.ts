import { createRoute, z } from '@hono/zod-openapi';
import { listHeartbeats } from '@market-pulse/core';
import type { AppDependencies } from '../dependencies.js';
import { area, jsonResponse, operationsOf } from '../operations.js';

const json = jsonResponse;

const Health = z.object({ status: z.literal('ok') }).openapi('Health');
const Ready = z
  .object({
    ready: z.boolean(),
    store: z.object({ reachable: z.boolean(), error: z.string().optional() }),
    scheduler: z.object({
      /** Seconds since the freshest heartbeat of a running scheduler; null: none runs. */
      heartbeatAgeSeconds: z.number().nullable(),
      running: z.number().int(),
    }),
    exports: z.object({ lagging: z.boolean(), reason: z.string().optional() }).nullable(),
  })
  .openapi('Ready');
const Version = z.object({ name: z.string(), version: z.string() }).openapi('Version');
const SystemStatus = z
  .object({
    configuration: z.record(z.string(), z.unknown()),
    status: z.record(z.string(), z.unknown()),
  })
  .openapi('SystemStatus');

/** `/api/health`, `/api/ready`, `/version` and `/api/admin/system-status` (SPEC §12, §13). */
export function systemArea(deps: AppDependencies) {
  const app = area();
  const op = operationsOf(deps);

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/health',
        operationId: 'getHealth',
        summary: 'Alive: the process answers',
        tags: ['system'],
        responses: { 200: json(Health, 'The process is alive') },
      }),
    ),
    (c) => c.json({ status: 'ok' as const }, 200),
  );

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/ready',
        operationId: 'getReady',
        summary: 'Ready: the store answers; scheduler heartbeat age and exports lag',
        tags: ['system'],
        responses: {
          200: json(Ready, 'Ready to serve'),
          503: json(Ready, 'The store cannot be reached'),
        },
      }),
    ),
    async (c) => {
      const now = deps.clock.now().getTime();
      try {
        const [beats, lag] = await Promise.all([
          listHeartbeats(deps.store, now),
          deps.pipeline.exportsLag().catch(() => null),
        ]);
        const running = beats.filter((b) => b.state === 'running');
        const ages = running.map((b) => b.ageSeconds);
        return c.json(
          {
            ready: true,
            store: { reachable: true },
            scheduler: {
              heartbeatAgeSeconds: ages.length ? Math.min(...ages) : null,
              running: running.length,
            },
            exports: lag
              ? { lagging: lag.lagging, ...(lag.reason ? { reason: lag.reason } : {}) }
              : null,
          },
          200,
        );
      } catch (err) {
        return c.json(
          {
            ready: false,
            store: { reachable: false, error: (err as Error).message },
            scheduler: { heartbeatAgeSeconds: null, running: 0 },
            exports: null,
          },
          503,
        );
      }
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/version',
        operationId: 'getVersion',
        summary: "The product's version",
        tags: ['system'],
        responses: { 200: json(Version, 'The version') },
      }),
    ),
    (c) => c.json({ name: 'market-pulse', version: deps.version }, 200),
  );

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/admin/system-status',
        operationId: 'getSystemStatus',
        summary: 'Effective configuration (secrets masked) and live checks of the store',
        tags: ['system'],
        responses: { 200: json(SystemStatus, 'The configuration and the state of the store') },
      }),
    ),
    async (c) => {
      const status = await deps.status(c.get('principal').actor);
      return c.json(
        {
          configuration: deps.configuration(),
          status: status as unknown as Record<string, unknown>,
        },
        200,
      );
    },
  );
  return app;
}
