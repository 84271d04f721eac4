/**
 * Sign-in cost with the shipped Argon2id parameters (19 MiB, t = 2, p = 1): `verifyPassword` on
 * the file store for a right password, a wrong one and an unknown email (which verifies against
 * a decoy hash, so it costs the same), one at a time (latency) and with 2, 4 and 8 in flight
 * (throughput on this machine's cores). Prints one JSON object.
 *
 *   pnpm build && TSX_TSCONFIG_PATH=tsconfig.build.json node --import tsx bench/login.bench.ts [--logins N]
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { addUser, verifyPassword } from '@market-pulse/core';
import { argon2Hasher, createFileStore, DEFAULT_ARGON2, systemClock } from '@market-pulse/node';

const args = process.argv.slice(2);
const logins = args.includes('--logins') ? Number(args[args.indexOf('--logins') + 1]) : 40;
const PASSWORD = 'correct horse battery staple';

const quantile = (sorted: number[], q: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] as number;
const summary = (ms: number[]) => {
  const sorted = [...ms].sort((a, b) => a - b);
  return { p50: +quantile(sorted, 0.5).toFixed(1), p99: +quantile(sorted, 0.99).toFixed(1) };
};

const dir = await mkdtemp(join(tmpdir(), 'mp-login-bench-'));
try {
  const hasher = argon2Hasher();
  const deps = { store: createFileStore({ dir }), clock: systemClock, hasher };
  await addUser(
    deps,
    { email: 'ann@desk.example', name: 'Ann', role: 'user', password: PASSWORD },
    'bench',
  );
  const decoy = await hasher.hash('a decoy that matches nothing at all');

  const attempts = {
    right: () => verifyPassword(deps, 'ann@desk.example', PASSWORD, decoy),
    wrong: () => verifyPassword(deps, 'ann@desk.example', 'wrong horse battery staple', decoy),
    unknown: () => verifyPassword(deps, 'nobody@desk.example', PASSWORD, decoy),
  };
  // Interleaved, so that machine noise hits the three alike.
  const latencies: Record<keyof typeof attempts, number[]> = { right: [], wrong: [], unknown: [] };
  for (let i = 0; i < logins; i++)
    for (const [name, attempt] of Object.entries(attempts)) {
      const start = performance.now();
      await attempt();
      latencies[name as keyof typeof attempts].push(performance.now() - start);
    }

  const throughput: Record<string, number> = {};
  for (const inFlight of [1, 2, 4, 8]) {
    const start = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (next++ < logins) await attempts.right();
      }),
    );
    throughput[`inFlight${inFlight}`] = +((logins / (performance.now() - start)) * 1000).toFixed(1);
  }
  const medians = { wrong: summary(latencies.wrong).p50, unknown: summary(latencies.unknown).p50 };
  console.log(
    JSON.stringify({
      name: 'login',
      argon2: DEFAULT_ARGON2,
      logins,
      cores: availableParallelism(),
      loadAverage: loadavg()[0]?.toFixed(2),
      latencyMs: {
        right: summary(latencies.right),
        wrong: summary(latencies.wrong),
        unknown: summary(latencies.unknown),
      },
      unknownVsWrongMedianDifference: +(
        Math.abs(medians.unknown - medians.wrong) / medians.wrong
      ).toFixed(3),
      loginsPerSecond: throughput,
    }),
  );
} finally {
  await rm(dir, { recursive: true, force: true });
}
