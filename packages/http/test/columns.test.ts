import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colorsCsv, openTestApp } from './app-fixture.js';

type TestApp = Awaited<ReturnType<typeof openTestApp>>;
let t: TestApp;
interface Doc {
  columns: { name: string; displayName: string; aliases: string[] }[];
  version: number;
  isDefault: boolean;
  updatedBy: string | null;
}
beforeAll(async () => {
  t = await openTestApp({ rows: 60 });
});
afterAll(() => t.close());

const ISIN = {
  displayName: 'ISIN',
  type: 'text',
  headerRequired: false,
  allowEmpty: true,
  aliases: ['ISIN code'],
};
const read = async () => {
  const res = await t.request('/api/columns');
  expect(res.status).toBe(200);
  return { etag: res.headers.get('etag') as string, doc: (await res.json()) as Doc };
};
const errorOf = async (res: Response) =>
  ((await res.json()) as { error: { code: string; message: string } }).error;

describe('column configuration over HTTP', () => {
  it('starts from the defaults (version 0), adds, changes and removes a column under If-Match, and resets', async () => {
    const first = await read();
    expect(first.doc).toMatchObject({ version: 0, isDefault: true, updatedBy: null });
    expect(first.etag).toBe('"v0"');
    expect(first.doc.columns.map((c) => c.name)).toContain('DIFF_STATUS');

    const added = await t.json('PUT', '/api/columns/ISIN', ISIN, { 'If-Match': first.etag });
    expect(added.status, await added.clone().text()).toBe(200);
    expect(added.headers.get('etag')).toBe('"v1"');
    expect(((await added.json()) as Doc).updatedBy).toBe('user:admin@test.example.com');

    // A stale If-Match is 412; the document is unchanged.
    const stale = await t.json(
      'PUT',
      '/api/columns/ISIN',
      { ...ISIN, aliases: [] },
      {
        'If-Match': first.etag,
      },
    );
    expect(stale.status).toBe(412);
    expect((await read()).doc.version).toBe(1);

    // A core column's display name and aliases may change.
    const px = (await read()).doc.columns.find((c) => c.name === 'PX') as Doc['columns'][0];
    const relabel = await t.json('PUT', '/api/columns/PX', {
      ...px,
      name: undefined,
      displayName: 'Price used',
      aliases: ['RANKING PRICE'],
    });
    expect(relabel.status, await relabel.clone().text()).toBe(200);

    const removed = await t.request('/api/columns/DIFF_STATUS', { method: 'DELETE' });
    expect(removed.status).toBe(200);
    expect(((await removed.json()) as Doc).columns.map((c) => c.name)).not.toContain('DIFF_STATUS');

    const reset = await t.request('/api/columns/reset', { method: 'POST' });
    expect(reset.status).toBe(200);
    expect((await reset.json()) as Doc).toMatchObject({ version: 4, isDefault: true });
  });

  it('refuses a change that would break a rule (409 naming it), a retyped or removed core column and malformed columns', async () => {
    expect((await t.json('PUT', '/api/columns/ISIN', ISIN)).status).toBe(200);
    const rule = await t.json('POST', '/api/rules', {
      name: 'No XS ISINs',
      priority: -100,
      when: { field: 'ISIN code', op: 'starts_with', value: 'XS' },
    });
    expect(rule.status, await rule.clone().text()).toBe(201);
    const version = (await read()).doc.version;

    const drop = await t.request('/api/columns/ISIN', { method: 'DELETE' });
    expect(drop.status).toBe(409);
    expect((await errorOf(drop)).message).toMatch(/would break rule "No XS ISINs" \(.*active\)/);
    const retype = await t.json('PUT', '/api/columns/ISIN', { ...ISIN, type: 'number' });
    expect(retype.status).toBe(409);
    expect((await t.request('/api/columns/reset', { method: 'POST' })).status).toBe(409);

    const cases: [string, string, unknown, number, RegExp][] = [
      ['DELETE', '/api/columns/CUSIP', undefined, 422, /core column CUSIP is missing/],
      ['PUT', '/api/columns/PX', { ...ISIN, displayName: 'PX' }, 422, /PX must keep type number/],
      ['PUT', '/api/columns/isin2', ISIN, 422, /UPPER_SNAKE_CASE/],
      ['PUT', '/api/columns/ISIN2', { ...ISIN, type: 'blob' }, 400, /type/],
      ['PUT', '/api/columns/ISIN2', { ...ISIN, colour: 'red' }, 400, /colour/],
      ['PUT', '/api/columns', { columns: [] }, 400, /columns/],
      ['DELETE', '/api/columns/NO_SUCH', undefined, 404, /no column NO_SUCH/],
      ['PUT', '/api/columns/ISIN2', ISIN, 422, /would name both ISIN and ISIN2/],
    ];
    for (const [method, path, body, status, message] of cases) {
      const res =
        body === undefined ? await t.request(path, { method }) : await t.json(method, path, body);
      const text = await res.text();
      expect(res.status, `${method} ${path} ${text}`).toBe(status);
      expect(text, `${method} ${path}`).toMatch(message);
    }
    expect((await read()).doc.version).toBe(version);
  });

  it('the uploads, the template, the runs and the exports read the stored columns', async () => {
    // ISIN is stored (the test above); an upload headed "ISIN code" maps it to ISIN.
    const csv = colorsCsv(20, 9).split('\r\n');
    const withIsin = [
      `${csv[0]},"ISIN code"`,
      ...csv.slice(1, -1).map((l, i) => `${l},"${i < 5 ? 'XS000000000' : 'US000000000'}${i}"`),
      '',
    ].join('\r\n');
    const path = join(t.dir, 'isin.csv');
    await writeFile(path, withIsin);
    const form = new FormData();
    form.append('file', new File([await readFile(path)], 'isin.csv', { type: 'text/csv' }));
    const upload = await t.request('/api/uploads', { method: 'POST', body: form });
    expect(upload.status, await upload.clone().text()).toBe(201);

    const template = await t.request('/api/uploads/template?format=csv');
    expect((await template.text()).split(/\r?\n/)[0]).toContain('ISIN');

    const run = await t.request('/api/runs', { method: 'POST' });
    expect(run.status, await run.clone().text()).toBe(201);
    const { record } = (await run.json()) as {
      record: { id: number; counts: { excludedByRule: Record<string, number> } };
    };
    const rules = (await (await t.request('/api/rules?limit=1000')).json()) as {
      items: { id: string; name: string }[];
    };
    const isinRule = rules.items.find((r) => r.name === 'No XS ISINs') as { id: string };
    // The 5 upload rows whose ISIN starts with XS (the rule comes first by priority).
    expect(record.counts.excludedByRule[isinRule.id]).toBe(5);

    // A dry run reads the rows and the candidate rules with the stored columns too.
    const dry = await t.json('POST', '/api/rules/dry-run', {
      rules: [{ name: 'try', when: { field: 'isin', op: 'starts_with', value: 'XS' } }],
      rows: [
        {
          MESSAGE_ID: '1',
          TICKER: 'X',
          SECTOR: 'MM-CLO',
          CUSIP: '037833100',
          DATE: '2026-03-12',
          PRICE_LEVEL: 99,
          PX: 99,
          SOURCE: 'JPM',
          BIAS: 'BID',
          RANK: 3,
          'ISIN code': 'XS0000000001',
        },
      ],
    });
    expect(dry.status, await dry.clone().text()).toBe(200);
    expect(((await dry.json()) as { excluded: number }).excluded).toBe(1);

    const exported = await t.request(`/api/runs/${record.id}/rows/export?format=csv`);
    const header = (await exported.text()).split(/\r?\n/)[0] as string;
    const names = header.split(',');
    // The configured column sits with the inputs, before Market Pulse's own columns.
    expect(names.indexOf('ISIN')).toBeGreaterThan(names.indexOf('DIFF_STATUS'));
    expect(names.indexOf('ISIN')).toBeLessThan(names.indexOf('IS_PARENT'));
  });
});
