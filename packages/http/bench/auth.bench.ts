/**
 * The cost of authentication per request on the file store: `bearerAuthentication` alone (JWT
 * verify + the session and account reads; an API key's read) and the added latency of a whole
 * request (`GET /api/columns`) with a bearer token over the same app without accounts, the two
 * alternated request by request (the machine's speed drifts). Also the login answer times of an
 * unknown email and a wrong password through the app (Argon2id, shipped parameters). Prints one
 * JSON object.
 *
 *   pnpm build && TSX_TSCONFIG_PATH=tsconfig.build.json node --import tsx bench/auth.bench.ts [--requests N]
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { addUser, createApiKey, initializeStore, signIn } from '@market-pulse/core';
import { argon2Hasher, loadConfig, openNodeHost, systemRandom } from '@market-pulse/node';
import { appDependenciesOf, bearerAuthentication, createApp } from '../src/index.js';

const args = process.argv.slice(2);
const requests = args.includes('--requests') ? Number(args[args.indexOf('--requests') + 1]) : 2000;
const PASSWORD = 'correct horse battery staple 42';

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
const summary = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { p50: +quantile(sorted, 0.5).toFixed(3), p99: +quantile(sorted, 0.99).toFixed(3) };
};
const timed = async (work: () => Promise<unknown>) => {
  const start = performance.now();
  await work();
  return performance.now() - start;
};

const dir = await mkdtemp(join(tmpdir(), 'mp-auth-bench-'));
try {
  const dataDir = join(dir, 'data');
  await mkdir(join(dataDir, 'exports'), { recursive: true });
  const config = loadConfig({ MP_DATA_DIR: dataDir });
  const host = openNodeHost({ config, dataDir, cwd: dir });
  await initializeStore(host.store, {});
  const deps = appDependenciesOf({ host, config, version: 'bench', hasher: argon2Hasher() });
  const accounts = deps.accounts as NonNullable<typeof deps.accounts>;
  const auth = await accounts.auth();
  await addUser(
    auth,
    { email: 'ann@desk.example.com', name: 'Ann', role: 'admin', password: PASSWORD },
    'bench',
  );
  const session = await signIn(
    auth,
    { email: 'ann@desk.example.com', password: PASSWORD },
    'bench',
  );
  const key = await createApiKey(
    { ...auth, random: systemRandom },
    { name: 'bench', role: 'viewer' },
    'bench',
  );

  // Authentication alone.
  const authenticate = bearerAuthentication(accounts);
  const asRequest = (token: string) =>
    new Request('http://bench/api/columns', { headers: { authorization: `Bearer ${token}` } });
  const jwtMs: number[] = [];
  const apiKeyMs: number[] = [];
  for (let i = 0; i < requests; i++) {
    jwtMs.push(await timed(() => authenticate(asRequest(session.accessToken))));
    apiKeyMs.push(await timed(() => authenticate(asRequest(key.token))));
  }

  // A whole request, with and without accounts, alternated.
  const withAccounts = createApp(deps);
  const { authenticate: _a, accounts: _b, ...local } = deps;
  const withoutAccounts = createApp(local);
  const signedMs: number[] = [];
  const localMs: number[] = [];
  const headers = { authorization: `Bearer ${session.accessToken}` };
  for (let i = 0; i < requests; i++) {
    signedMs.push(
      await timed(async () =>
        (await withAccounts.request('/api/columns', { headers })).arrayBuffer(),
      ),
    );
    localMs.push(
      await timed(async () => (await withoutAccounts.request('/api/columns')).arrayBuffer()),
    );
  }

  // Login answers: unknown email vs wrong password (fresh sources and accounts: no limit reached).
  const logins = 30;
  for (let i = 0; i < logins; i++)
    await addUser(
      auth,
      { email: `u${i}@desk.example.com`, name: 'U', role: 'viewer', password: PASSWORD },
      'bench',
    );
  const login = (email: string, source: string) =>
    timed(async () => {
      const res = await withAccounts.request(
        '/api/auth/login',
        {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ email, password: 'not the password at all' }),
        },
        { incoming: { socket: { remoteAddress: source } } },
      );
      if (res.status !== 401) throw new Error(`expected 401, got ${res.status}`);
    });
  const wrongMs: number[] = [];
  const unknownMs: number[] = [];
  for (let i = 0; i < logins; i++) {
    wrongMs.push(await login(`u${i}@desk.example.com`, `10.1.0.${i}`));
    unknownMs.push(await login(`nobody${i}@desk.example.com`, `10.2.0.${i}`));
  }
  const wrong = summary(wrongMs);
  const unknown = summary(unknownMs);
  const signed = summary(signedMs);
  const plain = summary(localMs);
  console.log(
    JSON.stringify({
      name: 'http-auth',
      requests,
      cores: availableParallelism(),
      loadAverage: loadavg()[0]?.toFixed(2),
      authenticateMs: { jwt: summary(jwtMs), apiKey: summary(apiKeyMs) },
      requestMs: { withBearer: signed, withoutAccounts: plain },
      addedMs: {
        p50: +(signed.p50 - plain.p50).toFixed(3),
        p99: +(signed.p99 - plain.p99).toFixed(3),
      },
      loginMs: { wrongPassword: wrong, unknownEmail: unknown, logins },
      unknownVsWrongMedianDifference: +(Math.abs(unknown.p50 - wrong.p50) / wrong.p50).toFixed(3),
    }),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
