import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  ALWAYS_VISIBLE_COLUMNS,
  LOCAL_PRINCIPAL,
  type Principal,
  setAssetClass,
} from '@market-pulse/core';
import { readCsvRows, readXlsxSheets } from '@market-pulse/node/spreadsheets';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';
import { colorsCsv, openTestApp } from './app-fixture.js';

/**
 * Issue 13's scoping acceptance over HTTP: two users with different asset classes and CLO types
 * call every read operation of /openapi.json and never see a row of another sector or a hidden
 * column — JSON, CSV and xlsx alike. Every GET operation (and every POST that returns rows) must be
 * classified below: a new read path without a decision fails the test.
 */

/** Operations that return stored rows (or files of them): scoped by this branch. */
const ROW_READS: Record<string, string[]> = {
  listRunRows: ['/api/runs/1/rows?limit=1000'],
  listRunExcluded: ['/api/runs/1/excluded?limit=1000'],
  listRunErrors: ['/api/runs/1/errors?limit=1000'],
  exportRunRows: ['/api/runs/1/rows/export?format=csv', '/api/runs/1/rows/export?format=xlsx'],
  exportRunExcluded: [
    '/api/runs/1/excluded/export?format=csv',
    '/api/runs/1/excluded/export?format=xlsx',
  ],
  exportRunErrors: [
    '/api/runs/1/errors/export?format=csv',
    '/api/runs/1/errors/export?format=xlsx',
  ],
  exportColors: [
    '/api/exports?run=1&format=csv',
    '/api/exports?run=1&format=xlsx',
    '/api/exports?date=2026-03-13&format=csv',
    '/api/exports?from=2026-03-01&to=2026-03-31&format=xlsx',
  ],
  searchColors: ['/api/search?identifier=a&kind=ticker&limit=1000'],
  legacySearchByIdentifier: ['/api/search/by-identifier?identifier=a&kind=ticker&limit=1000'],
  exportSearch: [
    '/api/search/export?identifier=a&kind=ticker&format=csv',
    '/api/search/export?identifier=a&kind=ticker&format=xlsx',
  ],
  listUploads: ['/api/uploads'],
  getUpload: ['/api/uploads/{upload}'],
};
/** Read operations that return no row data (still called, and checked for leaks). */
const NO_ROWS: Record<string, string[]> = {
  getHealth: ['/api/health'],
  getReady: ['/api/ready'],
  getVersion: ['/version'],
  getSystemStatus: ['/api/admin/system-status'],
  listRuns: ['/api/runs'],
  legacyListRestoreRuns: ['/api/restore/runs'],
  getRun: ['/api/runs/1'],
  getColumns: ['/api/columns'],
  getCloMappings: ['/api/admin/clo-mappings'],
  listRules: ['/api/rules'],
  listActiveRules: ['/api/rules/active'],
  listRuleOperators: ['/api/rules/operators'],
  exportRules: ['/api/rules/export'],
  getRule: ['/api/rules/no-valuations'],
  listJobs: ['/api/jobs'],
  legacyListCronJobs: ['/api/cron/jobs'],
  getJob: ['/api/jobs/{job}'],
  listJobFires: ['/api/jobs/{job}/fires'],
  listJobNextFires: ['/api/jobs/{job}/next'],
  listFires: ['/api/fires'],
  legacyListCronLogs: ['/api/cron/logs'],
  getNextRun: ['/api/schedule/next-run'],
  getScheduleCalendar: ['/api/schedule/calendar?from=2026-03-01&to=2026-03-14'],
  getScheduleSettings: ['/api/schedule/settings'],
  listSchedulePresets: ['/api/schedule/presets'],
  getMe: ['/api/auth/me'],
  listUsers: ['/api/admin/users'],
  getUser: ['/api/admin/users/ann@desk.example'],
  listApiKeys: ['/api/admin/api-keys'],
  listEntitlements: ['/api/admin/entitlements'],
};
/** Templates are excepted (issue 13): every column's header, no rows (checked for no CUSIP). */
const TEMPLATES: Record<string, string[]> = {
  getUploadTemplate: ['/api/uploads/template?format=csv'],
  legacyManualColorsTemplate: ['/api/manual-colors/sample-template?format=csv'],
};
/** An upload's file as sent (raw rows): its uploader's and every-sector readers' only. */
const UPLOADER_ONLY: Record<string, string> = {
  getUploadOriginal: '/api/uploads/{upload}/original',
};
/** POSTs that answer with stored rows (samples of a stored run's dry run): scoped. */
const POST_ROW_READS: Record<string, string> = {
  dryRunRulesOnRun: '/api/rules/dry-run/runs/1',
};
/** POSTs that answer with rows: only the caller's own (the body's), never stored ones. */
const ECHO_READS = new Set(['dryRunRules']);
/** The dashboard's reads: scoped by its resident index, checked in their own case below. */
const SCOPED_ELSEWHERE: Record<string, string[]> = {
  listColors: ['/api/dashboard/colors?view=history&limit=1000', '/api/dashboard/colors?limit=1000'],
  getDashboardStats: ['/api/dashboard/stats'],
};

const MAPPINGS = {
  defaultColumns: ['PX'],
  types: {
    CLO: { columns: ['PX', 'BIAS', 'SOURCE'] },
    CLO_MEZZ: { parent: 'CLO' },
    USABS: { columns: ['TICKER', 'DATE', 'PRICE_LEVEL'] },
  },
};
const EXCLUSION = ['EXCLUDED_BY', 'RULE_NAME', 'WITNESS'];
/** A row error's own columns (a scoped reader gets the header and no row). */
const ERROR_COLUMNS = ['ORIGIN', 'ROW', 'COLUMN', 'VALUE', 'REASON'];

interface Reader {
  principal: Principal;
  sectors: Set<string>;
  columns: Set<string>;
}
const reader = (email: string, assetClass: string, clo: string, columns: string[]): Reader => ({
  principal: {
    kind: 'user',
    id: email,
    actor: `user:${email}`,
    role: 'user',
    assetClasses: [assetClass],
    clo,
  },
  sectors: new Set(),
  columns: new Set([...ALWAYS_VISIBLE_COLUMNS, ...columns]),
});
const ann = reader('ann@desk.example', 'CLO_DESK', 'clo_mezz', MAPPINGS.types.CLO.columns);
const bob = reader('bob@desk.example', 'ABS_DESK', 'USABS', MAPPINGS.types.USABS.columns);
const READERS = { ann, bob };

type TestApp = Awaited<ReturnType<typeof openTestApp>>;
let t: TestApp;
let scoped: ReturnType<typeof createApp>;
/** CUSIPs whose rows are all of one reader's sectors: the other must never see them. */
const onlyOf = new Map<Reader, Set<string>>();
const ids = { upload: '', job: '' };
let doc: { paths: Record<string, Record<string, { operationId: string }>> };

const as = (who: Reader, path: string, init?: RequestInit) =>
  scoped.request(path, {
    ...init,
    headers: { ...(init?.headers as Record<string, string>), 'x-test-user': who.principal.id },
  });

beforeAll(async () => {
  t = await openTestApp({ rows: 300 });
  expect((await t.request('/api/runs', { method: 'POST' })).status).toBe(201);
  const all = (await (await t.request('/api/runs/1/rows?limit=1000')).json()) as {
    items: Record<string, unknown>[];
  };
  const sectors = [...new Set(all.items.map((r) => String(r.SECTOR).toUpperCase()))].sort();
  expect(sectors.length).toBeGreaterThan(3);
  const half = Math.ceil(sectors.length / 2);
  ann.sectors = new Set(sectors.slice(0, half));
  bob.sectors = new Set(sectors.slice(half));
  const deps = { store: t.deps.store, clock: t.deps.clock };
  // Stored in another case: sectors compare case-insensitively.
  await setAssetClass(
    deps,
    'CLO_DESK',
    [...ann.sectors].map((s) => s.toLowerCase()),
    'test',
  );
  await setAssetClass(deps, 'ABS_DESK', [...bob.sectors], 'test');
  expect((await t.json('PUT', '/api/admin/clo-mappings', MAPPINGS)).status).toBe(200);
  for (const who of [ann, bob]) {
    const mine = new Set<string>();
    const others = new Set<string>();
    for (const r of all.items)
      (who.sectors.has(String(r.SECTOR).toUpperCase()) ? mine : others).add(String(r.CUSIP));
    onlyOf.set(who, new Set([...mine].filter((c) => !others.has(c))));
  }
  scoped = createApp({
    ...t.deps,
    authenticate: async (request) =>
      Object.values(READERS).find((r) => r.principal.id === request.headers.get('x-test-user'))
        ?.principal ?? LOCAL_PRINCIPAL,
  });
  // Ann uploads a file with a row error; Bob must not see its cells.
  const csv = colorsCsv(4, 42).split('\r\n');
  const header = csv[0]?.split(',') ?? [];
  const px = header.indexOf('"PX"');
  const cells = csv[1]?.split(',') ?? [];
  cells[px] = '"1x"';
  csv[1] = cells.join(',');
  const form = new FormData();
  form.append('file', new File([csv.join('\r\n')], 'ann.csv', { type: 'text/csv' }));
  const uploaded = await as(ann, '/api/uploads?partial=true', { method: 'POST', body: form });
  expect(uploaded.status, await uploaded.clone().text()).toBe(201);
  ids.upload = ((await uploaded.json()) as { id: string }).id;
  const job = await t.json('POST', '/api/jobs', { name: 'scope job', cron: '0 6 * * *' });
  ids.job = ((await job.json()) as { id: string }).id;
  doc = (await (await t.request('/openapi.json')).json()) as typeof doc;
}, 120_000);
afterAll(() => t.close());

/** The rows of a file answer, as header → cell objects (every sheet of a workbook). */
async function fileRows(body: Uint8Array, format: 'csv' | 'xlsx') {
  const path = join(t.dir, `answer.${format}`);
  await writeFile(path, body);
  const rows: Record<string, unknown>[] = [];
  const headers: string[][] = [];
  const read = async (sheet: AsyncIterable<{ cells: unknown[] }>) => {
    let header: string[] | undefined;
    for await (const { cells } of sheet) {
      if (!header) header = cells.map(String);
      else rows.push(Object.fromEntries(header.map((h, i) => [h, cells[i]])));
    }
    expect(header, 'a file answer has a header row').toBeDefined();
    headers.push(header ?? []);
  };
  if (format === 'csv') await read(readCsvRows(path));
  else for await (const sheet of readXlsxSheets(path)) await read(sheet.rows);
  return { rows, headers };
}

/** Every object in a JSON value that is a row (has a SECTOR or a CUSIP). */
function rowsIn(value: unknown, into: Record<string, unknown>[] = []) {
  if (Array.isArray(value)) for (const v of value) rowsIn(v, into);
  else if (value && typeof value === 'object') {
    const { children, ...object } = value as Record<string, unknown>;
    // A hierarchy's parent carries its children: each is a row of its own.
    if (Array.isArray(children)) rowsIn(children, into);
    if ('SECTOR' in object || 'CUSIP' in object) into.push(object);
    else for (const v of Object.values(object)) rowsIn(v, into);
  }
  return into;
}

/** Checks one answer for `who`: no row of another sector, no hidden column, no other's CUSIP. */
async function checkAnswer(
  who: Reader,
  path: string,
  response: Response,
  template = false,
  refusable = false,
): Promise<number> {
  // An operation the reader's role may not call (admin-only) or that names no account of theirs
  // answers without rows; it is still checked for leaks below.
  const allowed = refusable ? [200, 403, 404] : [200];
  expect(allowed, `${path}: ${await response.clone().text()}`).toContain(response.status);
  const type = response.headers.get('content-type') ?? '';
  const bytes = new Uint8Array(await response.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  const other = who === ann ? bob : ann;
  for (const cusip of onlyOf.get(other) ?? [])
    expect(text.includes(cusip), `${path} shows ${cusip}, a CUSIP of another desk`).toBe(false);
  if (template) return 0;
  const { rows, headers } = type.includes('json')
    ? { rows: rowsIn(JSON.parse(text)), headers: [] }
    : type.includes('csv')
      ? await fileRows(bytes, 'csv')
      : type.includes('spreadsheetml')
        ? await fileRows(bytes, 'xlsx')
        : { rows: [], headers: [] };
  // A file's header names no hidden column, even with no rows under it.
  for (const column of headers.flat())
    expect(
      who.columns.has(column) || EXCLUSION.includes(column) || ERROR_COLUMNS.includes(column),
      `${path}: header ${column} is hidden from ${who.principal.actor}`,
    ).toBe(true);
  for (const row of rows) {
    expect(who.sectors.has(String(row.SECTOR).toUpperCase()), `${path}: sector ${row.SECTOR}`).toBe(
      true,
    );
    for (const column of Object.keys(row))
      expect(
        who.columns.has(column) || EXCLUSION.includes(column),
        `${path}: column ${column} is hidden from ${who.principal.actor}`,
      ).toBe(true);
    // A witness quotes the row's values of its rule's leaves: only leaves of visible columns —
    // structured in JSON, in words in a file (`FIELD op value (row: …)` joined by ` and `).
    if (Array.isArray(row.WITNESS))
      for (const leaf of row.WITNESS as { field: string }[])
        expect(who.columns.has(leaf.field), `${path}: witness of ${leaf.field}`).toBe(true);
    else if (typeof row.WITNESS === 'string' && row.WITNESS !== '')
      for (const leaf of row.WITNESS.split(' and ')) {
        const field = leaf.replace(/^not /, '').split(' ')[0] ?? '';
        expect(who.columns.has(field), `${path}: witness text of ${field}`).toBe(true);
      }
    else expect(row.WITNESS ?? '', `${path}: a witness`).toBe('');
  }
  return rows.length;
}

const concrete = (path: string) => path.replace('{upload}', ids.upload).replace('{job}', ids.job);

describe('scoping on every read path', () => {
  it('classifies every read operation of /openapi.json', () => {
    const classified = new Set([
      ...Object.keys(ROW_READS),
      ...Object.keys(NO_ROWS),
      ...Object.keys(TEMPLATES),
      ...Object.keys(SCOPED_ELSEWHERE),
      ...Object.keys(POST_ROW_READS),
      ...Object.keys(UPLOADER_ONLY),
      ...ECHO_READS,
    ]);
    const reads = Object.values(doc.paths).flatMap((methods) =>
      Object.entries(methods)
        .filter(([method, op]) => method === 'get' || ECHO_READS.has(op.operationId))
        .map(([, op]) => op.operationId),
    );
    const unclassified = reads.filter((id) => !classified.has(id));
    expect(unclassified, 'read operations without a scoping decision in this test').toEqual([]);
    // A POST that answers with files or stored rows must be classified too.
    const postReads = Object.values(doc.paths).flatMap((methods) =>
      Object.entries(methods)
        .filter(
          ([method, op]) => method === 'post' && /export|search|dry-?run/i.test(op.operationId),
        )
        .map(([, op]) => op.operationId),
    );
    expect(postReads.filter((id) => !classified.has(id))).toEqual([]);
    expect(reads.filter((id) => !ECHO_READS.has(id)).sort()).toEqual(
      [
        ...Object.keys(ROW_READS),
        ...Object.keys(UPLOADER_ONLY),
        ...Object.keys(NO_ROWS),
        ...Object.keys(TEMPLATES),
        ...Object.keys(SCOPED_ELSEWHERE),
      ].sort(),
    );
  });

  it("each user sees only their sectors' rows and their CLO's columns, in JSON, CSV and xlsx", {
    timeout: 120_000,
  }, async () => {
    for (const [operationId, paths] of Object.entries({ ...ROW_READS, ...NO_ROWS, ...TEMPLATES })) {
      let seen = 0;
      for (const path of paths)
        for (const who of [ann, bob])
          seen += await checkAnswer(
            who,
            path,
            await as(who, concrete(path)),
            operationId in TEMPLATES,
            operationId in NO_ROWS,
          );
      // Not vacuous: the row reads do answer rows (run errors are for every-sector readers only).
      if (operationId in ROW_READS && !/Errors$|Upload/.test(operationId))
        expect(seen, `${operationId} answered no rows at all`).toBeGreaterThan(0);
    }
  });

  it('row errors: hidden from readers of some sectors; an upload’s errors are its uploader’s', async () => {
    const local = (await (await t.request('/api/runs/1/errors')).json()) as { total: number };
    const errors = (await (await as(ann, '/api/runs/1/errors')).json()) as { total: number };
    expect(errors.total).toBe(0);
    expect(local.total).toBeGreaterThanOrEqual(0);
    const annSees = (await (await as(ann, `/api/uploads/${ids.upload}`)).json()) as {
      errors: { column: string; value: unknown }[];
    };
    expect(annSees.errors).toEqual([expect.objectContaining({ column: 'PX', value: '1x' })]);
    const bobSees = (await (await as(bob, `/api/uploads/${ids.upload}`)).json()) as {
      errors: unknown[];
      errorsWithheld: number;
    };
    expect(bobSees).toMatchObject({ errors: [], errorsWithheld: 1 });
  });

  it('the dry run answers only the rows the caller sent', async () => {
    const row = {
      CUSIP: '037833100',
      SOURCE: 'DZ BANK',
      BIAS: 'BID',
      PX: 99.5,
      DATE: '2026-03-12',
      MESSAGE_ID: 1,
      TICKER: 'X',
      SECTOR: 'NOT-MINE',
      PRICE_LEVEL: 99.5,
      RANK: 1,
    };
    const answer = await as(ann, '/api/rules/dry-run', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ rows: [row] }),
    });
    expect(answer.status).toBe(200);
    const text = await answer.text();
    for (const cusip of [...(onlyOf.get(ann) ?? []), ...(onlyOf.get(bob) ?? [])])
      expect(text.includes(cusip)).toBe(false);
  });

  it("an upload's file as sent: its uploader gets it, another desk's reader is refused", async () => {
    for (const path of Object.values(UPLOADER_ONLY).map(concrete)) {
      expect((await as(ann, path)).status, `${path} for its uploader`).toBe(200);
      const refused = await as(bob, path);
      expect(refused.status, `${path} for another desk`).toBe(403);
      const text = await refused.text();
      for (const cusip of onlyOf.get(ann) ?? []) expect(text.includes(cusip)).toBe(false);
    }
  });

  it("a stored run's dry run shows samples of the reader's rows and columns only", async () => {
    for (const path of Object.values(POST_ROW_READS)) {
      let seen = 0;
      for (const who of [ann, bob])
        seen += await checkAnswer(
          who,
          path,
          await as(who, path, {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: '{}',
          }),
        );
      expect(seen, `${path} answered no rows at all`).toBeGreaterThan(0);
    }
  });

  it('the dashboard leaks no row of another sector nor a hidden column', async () => {
    for (const paths of Object.values(SCOPED_ELSEWHERE))
      for (const path of paths)
        for (const who of [ann, bob]) await checkAnswer(who, path, await as(who, path));
  });
});
