import type { MiddlewareHandler } from 'hono';
import type { AccessLogger, AppEnv } from './dependencies.js';

/** One log line per request: its id, method, path, status and duration. */
export function accessLog(logger: AccessLogger | undefined): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    if (!logger) return next();
    const started = performance.now();
    await next();
    const fields = {
      requestId: c.get('requestId'),
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      durationMs: Math.round((performance.now() - started) * 10) / 10,
    };
    if (c.res.status >= 500) logger.error(fields, 'request');
    else logger.info(fields, 'request');
  };
}
