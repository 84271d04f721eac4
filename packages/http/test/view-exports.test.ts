// Exports of a run, a business date or a range over HTTP come from the host's resident index when
// it holds the runs: the same bytes as core's store read path, for every reader scope.
import { exportSelection, listRuns, readScopeFor, setRunHidden } from '@market-pulse/core';
import { spreadsheetCodec } from '@market-pulse/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestApp } from './app-fixture.js';

type TestApp = Awaited<ReturnType<typeof openTestApp>>;
let t: TestApp;
beforeAll(async () => {
  t = await openTestApp();
  for (let i = 0; i < 3; i++)
    expect((await t.request('/api/runs', { method: 'POST' })).status).toBe(201);
});
afterAll(() => t.close());

async function text(bytes: AsyncIterable<Uint8Array>) {
  const chunks: Uint8Array[] = [];
  for await (const chunk of bytes) chunks.push(chunk);
  return Buffer.concat(chunks).toString('utf8');
}

describe('exports of a view from the resident index', () => {
  it('answer with the bytes the store read path writes, whole and scoped, and follow a hidden run', async () => {
    const runs = (await listRuns(t.host.store)).flatMap((r) =>
      r.state === 'committed' ? [r.record] : [],
    );
    const date = runs[0]?.businessDate as string;
    const queries = [`run=${runs[1]?.id}`, `date=${date}`, `from=${date}&to=${date}`];
    const viewer = await t.signInAs('viewer', ['MM-CLO']);
    for (const [authorization, principal] of [
      [t.adminAuthorization, t.admin],
      [`Bearer ${viewer.accessToken}`, viewer],
    ] as const) {
      const scope = await readScopeFor(t.host.store, principal.principal);
      for (const query of queries) {
        const res = await t.request(`/api/exports?${query}&format=csv`, {
          headers: { authorization },
        });
        expect(res.status, await res.clone().text()).toBe(200);
        const selection = Object.fromEntries(new URLSearchParams(query));
        const expected = await exportSelection(
          { store: t.host.store, codec: spreadsheetCodec },
          'run' in selection ? { run: Number(selection.run) } : (selection as { date: string }),
          'csv',
          { scope },
        );
        expect(res.headers.get('X-Row-Count')).toBe(String(expected.rows));
        expect(await res.text()).toBe(await text(expected.bytes));
      }
    }
    // The index answered: it holds every run.
    expect(t.deps.dashboard?.figures()).toMatchObject({ runs: 3, runsNotHeld: 0 });
    // A run hidden since the index was built is left out (the listing of runs decides).
    await setRunHidden({ store: t.host.store, clock: t.deps.clock }, runs[0]?.id as number, true);
    const res = await t.request(`/api/exports?date=${date}&format=csv`);
    const expected = await exportSelection(
      { store: t.host.store, codec: spreadsheetCodec },
      { date },
      'csv',
    );
    expect(await res.text()).toBe(await text(expected.bytes));
    expect((await t.request(`/api/exports?run=${runs[0]?.id}&format=csv`)).status).toBe(409);
  });
});
