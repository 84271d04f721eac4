// Mounting the Market Pulse API inside an existing Node HTTP server: the server keeps its own
// routes and hands everything under /market-pulse/ to the Hono app (through @hono/node-server's
// request listener), so one process and one port serve both.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { getRequestListener } from '@hono/node-server';
import { initializeStore } from '@market-pulse/core';
import { appDependenciesOf, createApp } from '@market-pulse/http';
import { loadConfig, openNodeHost } from '@market-pulse/node';
import { Hono } from 'hono';

/** A running server: its base URL, and how to stop it. */
export interface RunningExample {
  url: string;
  close(): Promise<void>;
}

/** Starts the existing server with the Market Pulse API mounted under /market-pulse. */
export async function startServer(dataDir: string, port = 0): Promise<RunningExample> {
  const config = loadConfig({ ...process.env, MP_DATA_DIR: dataDir });
  const host = openNodeHost({ config, dataDir, cwd: process.cwd() });
  await initializeStore(host.store);
  const api = createApp(appDependenciesOf({ host, config, version: 'example' }));
  // Hono's `route` mounts the app under a prefix: /market-pulse/api/health, /market-pulse/docs, …
  const mounted = new Hono().route('/market-pulse', api);
  const marketPulse = getRequestListener(mounted.fetch);

  const server: Server = createServer((req, res) => {
    if (req.url?.startsWith('/market-pulse/')) return void marketPulse(req, res);
    // The existing server's own routes stay as they were.
    if (req.url === '/hello') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('hello from the existing server\n');
      return;
    }
    res.writeHead(404).end();
  });
  // Every call but the public ones (health, version, login, docs) needs a bearer token: create
  // the first admin with `market-pulse users add … --role admin` on the same data folder.
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${bound}`,
    close: () =>
      new Promise((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  };
}

// `node --import tsx examples/node-server/node-server.ts [data folder] [port]`
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const running = await startServer(
    process.argv[2] ?? 'server-data',
    Number(process.argv[3] ?? 3000),
  );
  console.log(`${running.url}/hello and ${running.url}/market-pulse/docs`);
}
