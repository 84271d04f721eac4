// A real browser (Debian chromium through playwright-core; .ci/run installs it): /docs renders the
// operation list with no request leaving 127.0.0.1, and CORS lets a page of an allowed origin call
// the API while a page of another origin is blocked.
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Browser, chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { listen, type RunningServer } from '../src/node-server.js';
import { openTestApp } from './app-fixture.js';

const CHROMIUM = '/usr/bin/chromium';
let t: Awaited<ReturnType<typeof openTestApp>>;
let api: RunningServer;
let browser: Browser;
const pages: Server[] = [];

/** A server on 127.0.0.1 answering every path with an empty page: an origin of its own. */
async function pageOrigin(): Promise<string> {
  const server = createServer((_, res) => {
    res.writeHead(200, { 'content-type': 'text/html' });
    res.end('<!doctype html><title>desk</title>');
  });
  pages.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let allowed: string;
let other: string;
beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (as .ci/run does)`);
  t = await openTestApp();
  allowed = await pageOrigin();
  other = await pageOrigin();
  api = await listen(createApp({ ...t.deps, corsOrigins: [allowed] }), {
    port: 0,
    host: '127.0.0.1',
  });
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--disable-dev-shm-usage',
    ],
  });
}, 120_000);
afterAll(async () => {
  await browser?.close();
  await api?.close();
  for (const server of pages) await new Promise((resolve) => server.close(resolve));
  await t?.close();
});

describe('in a real browser', () => {
  it('/docs renders every operation, loading nothing from outside 127.0.0.1', async () => {
    const page = await browser.newPage();
    const requested: string[] = [];
    page.on('request', (request) => requested.push(request.url()));
    await page.goto(`${api.url}docs`);
    await page.waitForSelector('.opblock', { timeout: 60_000 });
    const doc = (await (await fetch(`${api.url}openapi.json`)).json()) as {
      paths: Record<string, object>;
    };
    const operations = Object.values(doc.paths).reduce(
      (n, methods) => n + Object.keys(methods).length,
      0,
    );
    expect(await page.locator('.opblock').count()).toBe(operations);
    expect(requested.length).toBeGreaterThan(3);
    for (const url of requested)
      expect(url.startsWith(api.url) || url.startsWith('data:'), url).toBe(true);
    await page.close();
  }, 120_000);

  it('lets a page of an allowed origin call the API and blocks a page of another origin', async () => {
    const call = async (origin: string) => {
      const page = await browser.newPage();
      await page.goto(origin);
      const outcome = await page.evaluate(
        async ([url, authorization]) => {
          try {
            const res = await fetch(url, {
              headers: { 'If-None-Match': '"none"', Authorization: authorization },
            });
            return { status: res.status, etag: res.headers.get('etag') };
          } catch (err) {
            return { error: String(err) };
          }
        },
        [`${api.url}api/rules?limit=1`, t.adminAuthorization] as const,
      );
      await page.close();
      return outcome;
    };
    const fromAllowed = await call(allowed);
    expect(fromAllowed).toMatchObject({ status: 200 });
    expect((fromAllowed as { etag: string | null }).etag).toBeTruthy();
    expect(await call(other)).toEqual({ error: expect.stringContaining('Failed to fetch') });
  }, 120_000);
});
