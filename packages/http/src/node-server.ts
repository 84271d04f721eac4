import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { MarketPulseError } from '@market-pulse/core';

/** A listening HTTP server. */
export interface RunningServer {
  /** `http://host:port/` as bound (the real port when 0 was asked). */
  url: string;
  port: number;
  /** Requests being answered now. */
  inFlight(): number;
  /**
   * Stops accepting connections and waits for the requests in progress (a "run now" request
   * waits for its run); idle keep-alive connections are closed at once.
   */
  close(): Promise<void>;
}

/**
 * Serves `app` on Node (`@hono/node-server`) at `host:port`; refuses with UNAVAILABLE, naming the
 * address and how to change it, when the address is taken.
 *
 * @example
 * ```ts
 * const server = await listen(app, { port: 3334, host: '127.0.0.1' });
 * process.once('SIGTERM', () => server.close());
 * ```
 */
export function listen(
  app: { fetch: (request: Request) => Response | Promise<Response> },
  options: { port: number; host: string },
): Promise<RunningServer> {
  return new Promise((resolve, reject) => {
    let inFlight = 0;
    let closing = false;
    const server = serve({
      fetch: async (request: Request) => {
        inFlight++;
        try {
          const response = await app.fetch(request);
          // While draining, a keep-alive connection must not outlive the request it carries.
          if (closing)
            try {
              response.headers.set('Connection', 'close');
            } catch {
              // immutable headers: the idle connection is closed by close() instead
            }
          return response;
        } finally {
          inFlight--;
        }
      },
      port: options.port,
      hostname: options.host,
    });
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(
        new MarketPulseError(
          'UNAVAILABLE',
          `cannot listen on ${options.host}:${options.port}: ${err.code === 'EADDRINUSE' ? 'the address is in use' : err.message}; choose another with --port / MP_PORT or --host / MP_HOST`,
          { cause: err, details: { host: options.host, port: options.port, code: err.code } },
        ),
      ),
    );
    server.once('listening', () => {
      const address = server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      resolve({
        url: `http://${host}:${address.port}/`,
        port: address.port,
        inFlight: () => inFlight,
        close: () =>
          new Promise<void>((done) => {
            closing = true;
            server.close(() => done());
            if ('closeIdleConnections' in server) server.closeIdleConnections();
          }),
      });
    });
  });
}
