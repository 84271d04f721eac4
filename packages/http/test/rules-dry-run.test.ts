import { type ReadScope, UNRESTRICTED_READ_SCOPE } from '@market-pulse/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { openTestApp } from './app-fixture.js';

type TestApp = Awaited<ReturnType<typeof openTestApp>>;
let t: TestApp;
interface Counts {
  input: number;
  excluded: number;
  excludedByRule: Record<string, number>;
  output: number;
}
interface Result {
  counts: Counts;
  recorded: Counts;
  ruleNames: Record<string, string>;
  excludedSamples: Record<string, unknown>[];
  keptSamples: Record<string, unknown>[];
}
beforeAll(async () => {
  t = await openTestApp();
  expect((await t.request('/api/runs', { method: 'POST' })).status).toBe(201);
});
afterAll(() => t.close());

const dryRun = async (body: unknown, app = t.app, id: string | number = 1) =>
  app.request(`/api/rules/dry-run/runs/${id}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: t.adminAuthorization },
    body: JSON.stringify(body),
  });

describe("dry run against a stored run's inputs", () => {
  it("gives the run's own counts with the stored rules, and explains the exclusions", async () => {
    const run = (await (await t.request('/api/runs/1')).json()) as { counts: Counts };
    expect(run.counts.excluded).toBeGreaterThan(0);
    const res = await dryRun({});
    expect(res.status, await res.clone().text()).toBe(200);
    const result = (await res.json()) as Result;
    expect(result.counts).toEqual(run.counts);
    expect(result.recorded).toEqual(run.counts);
    expect(result.excludedSamples).toHaveLength(5);
    for (const s of result.excludedSamples) {
      expect(result.ruleNames[s.EXCLUDED_BY as string]).toBeTruthy();
      expect(Array.isArray(s.WITNESS)).toBe(true);
    }
  });

  it('tries candidate rules, active or not, and changes nothing', async () => {
    const before = await (await t.request('/api/rules')).text();
    const res = await dryRun({
      rules: [{ name: 'try', active: false, when: { field: 'BIAS', op: 'eq', value: 'BID' } }],
      samples: 2,
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const result = (await res.json()) as Result;
    expect(Object.values(result.counts.excludedByRule)).toEqual([result.counts.excluded]);
    expect(result.excludedSamples).toHaveLength(2);
    expect(result.excludedSamples.every((r) => r.BIAS === 'BID')).toBe(true);
    expect(await (await t.request('/api/rules')).text()).toBe(before);
  });

  it("counts only the reader's sectors", async () => {
    const scope: ReadScope = {
      rows: { all: false, sectors: new Set(['NONE']), allows: () => false },
      columns: UNRESTRICTED_READ_SCOPE.columns,
    };
    const res = await dryRun({}, createApp({ ...t.deps, scopeOf: async () => scope }));
    const result = (await res.json()) as Result;
    expect(result.counts.input).toBe(0);
    expect(result.excludedSamples).toEqual([]);
  });

  it('refuses bad input with what to fix', async () => {
    const cases: [unknown, string | number, number, RegExp][] = [
      [{}, 999, 404, /run 999 has not committed/],
      [{}, 'abc', 400, /id/],
      [
        { rules: [{ name: 'bad', when: { field: 'NOPE', op: 'eq', value: 1 } }] },
        1,
        422,
        /unknown field .*NOPE/,
      ],
      [{ samples: 1000 }, 1, 400, /samples/],
      [{ rows: [] }, 1, 400, /rows/],
    ];
    for (const [body, id, status, message] of cases) {
      const res = await dryRun(body, t.app, id);
      const text = await res.text();
      expect(res.status, text).toBe(status);
      expect(text).toMatch(message);
    }
  });
});
