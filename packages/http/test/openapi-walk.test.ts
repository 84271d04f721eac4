import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { colorsCsv, openTestApp } from './app-fixture.js';

/**
 * The acceptance walk of issue 12: every operation of /openapi.json is called once with a valid
 * request (2xx) and once with an invalid one (4xx in the error format). A new operation without a
 * case here fails the walk.
 */

type TestApp = Awaited<ReturnType<typeof openTestApp>>;
let t: TestApp;

interface Call {
  /** The `{id}` of the path. */
  id?: string | number;
  query?: string;
  init?: RequestInit;
}
type CallOf = () => Call | Promise<Call>;
interface Case {
  valid: CallOf;
  invalid: CallOf;
}
interface Operation {
  operationId: string;
  summary?: string;
  tags?: string[];
  deprecated?: boolean;
  parameters?: { name: string; in: string; schema?: unknown }[];
  requestBody?: { content: Record<string, { schema?: unknown }> };
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

const json = (
  method: string,
  body: unknown,
  headers: Record<string, string> = {},
): RequestInit => ({
  method,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});
const post: RequestInit = { method: 'POST' };
const unknownQuery = { query: '?no_such_parameter=1' };
let seed = 100;
const uploadForm = (): RequestInit => {
  const form = new FormData();
  form.append('file', new File([colorsCsv(5, seed++)], 'colors.csv', { type: 'text/csv' }));
  return { method: 'POST', body: form };
};
const created = async (path: string, body: unknown) => {
  const res = await t.request(path, json('POST', body));
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string; version: number };
};
let names = 0;
const newRule = () =>
  created('/api/rules', {
    name: `walk rule ${names++}`,
    when: { field: 'SOURCE', op: 'equal_to', value: 'X' },
  });
const newJob = () => created('/api/jobs', { name: `walk job ${names++}`, cron: '0 6 * * *' });
const newUpload = async () => {
  const res = await t.request('/api/uploads', uploadForm());
  expect(res.status, await res.clone().text()).toBe(201);
  return (await res.json()) as { id: string };
};
const setHidden = (hidden: boolean) =>
  t.request(`/api/runs/1/${hidden ? 'hide' : 'restore'}`, post);
const dryRunRow = {
  CUSIP: '037833100',
  SOURCE: 'DZ BANK',
  BIAS: 'BID',
  PX: 99.5,
  DATE: '2026-03-12',
  MESSAGE_ID: 1,
  TICKER: 'X',
  SECTOR: 'MM-CLO',
  PRICE_LEVEL: 99.5,
  RANK: 1,
};

const rowSet: Case = {
  valid: () => ({ id: 1, query: '?limit=5' }),
  invalid: () => ({ id: 1, query: '?limit=-1' }),
};
const rowExport: Case = {
  valid: () => ({ id: 1, query: '?format=csv' }),
  invalid: () => ({ id: 1, query: '?format=pdf' }),
};

const CASES: Record<string, Case> = {
  getHealth: { valid: () => ({}), invalid: () => unknownQuery },
  getReady: { valid: () => ({}), invalid: () => unknownQuery },
  getVersion: { valid: () => ({}), invalid: () => unknownQuery },
  getSystemStatus: { valid: () => ({}), invalid: () => unknownQuery },

  listRuns: { valid: () => ({ query: '?limit=10' }), invalid: () => ({ query: '?limit=0' }) },
  getRun: { valid: () => ({ id: 1 }), invalid: () => ({ id: 'abc' }) },
  listRunRows: rowSet,
  listRunExcluded: rowSet,
  listRunErrors: rowSet,
  exportRunRows: rowExport,
  exportRunExcluded: rowExport,
  exportRunErrors: rowExport,
  exportColors: {
    valid: () => ({ query: '?run=1&format=csv' }),
    invalid: () => ({ query: '?date=13/03/2026' }),
  },
  hideRun: {
    valid: async () => {
      await setHidden(false);
      return { id: 1, init: post };
    },
    invalid: () => ({ id: 0, init: post }),
  },
  restoreRun: {
    valid: async () => {
      await setHidden(true);
      return { id: 1, init: post };
    },
    invalid: () => ({ id: 999, init: post }),
  },
  runNow: {
    valid: () => ({ init: { method: 'POST', headers: { 'Idempotency-Key': `walk-${seed++}` } } }),
    invalid: () => ({ init: { method: 'POST', headers: { 'Idempotency-Key': 'has spaces' } } }),
  },

  listColors: {
    valid: () => ({
      query: '?view=history&limit=5&sector=MM-CLO,BSL-CLO&hierarchy=false&sort=PX&order=asc',
    }),
    invalid: () => ({ query: '?view=run' }),
  },
  getDashboardStats: { valid: () => ({}), invalid: () => unknownQuery },
  getColumns: { valid: () => ({}), invalid: () => unknownQuery },

  listRules: { valid: () => ({}), invalid: () => ({ query: '?skip=-5' }) },
  listActiveRules: { valid: () => ({}), invalid: () => ({ query: '?limit=100000' }) },
  listRuleOperators: { valid: () => ({}), invalid: () => unknownQuery },
  exportRules: { valid: () => ({}), invalid: () => unknownQuery },
  getRule: { valid: () => ({ id: 'no-valuations' }), invalid: () => ({ id: 'no-such-rule' }) },
  createRule: {
    valid: () => ({
      init: json('POST', {
        name: `walk new ${names++}`,
        when: { field: 'BIAS', op: 'eq', value: 'X' },
      }),
    }),
    invalid: () => ({ init: json('POST', { name: 5, when: 'always' }) }),
  },
  updateRule: {
    valid: async () => {
      const rule = await newRule();
      const body = {
        name: `walk updated ${names++}`,
        when: { field: 'SOURCE', op: 'equal_to', value: 'Y' },
      };
      return { id: rule.id, init: json('PUT', body, { 'If-Match': `"v${rule.version}"` }) };
    },
    invalid: async () => {
      const rule = await newRule();
      const body = {
        name: `walk stale ${names++}`,
        when: { field: 'SOURCE', op: 'equal_to', value: 'Y' },
      };
      return { id: rule.id, init: json('PUT', body, { 'If-Match': '"v99"' }) };
    },
  },
  deleteRule: {
    valid: async () => ({ id: (await newRule()).id, init: { method: 'DELETE' } }),
    invalid: () => ({ id: 'no-such-rule', init: { method: 'DELETE' } }),
  },
  toggleRule: {
    valid: async () => ({ id: (await newRule()).id, init: post }),
    invalid: () => ({ id: 'no-such-rule', init: post }),
  },
  importRules: {
    valid: () => ({
      init: json('POST', {
        rules: [
          { name: `walk import ${names++}`, when: { field: 'SOURCE', op: 'eq', value: 'Z' } },
        ],
      }),
    }),
    invalid: () => ({
      init: { method: 'POST', headers: { 'content-type': 'text/plain' }, body: 'rules' },
    }),
  },
  dryRunRules: {
    valid: () => ({ init: json('POST', { rows: [dryRunRow] }) }),
    invalid: () => ({ init: json('POST', { rows: [] }) }),
  },

  listJobs: { valid: () => ({}), invalid: () => ({ query: '?limit=x' }) },
  getJob: {
    valid: async () => ({ id: (await newJob()).id }),
    invalid: () => ({ id: 'no-such-job' }),
  },
  createJob: {
    valid: () => ({
      init: json('POST', {
        name: `walk job ${names++}`,
        schedule: { time: '18:30', days: ['MON'] },
      }),
    }),
    invalid: () => ({ init: json('POST', { name: 'x', cron: 5 }) }),
  },
  updateJob: {
    valid: async () => {
      const job = await newJob();
      return {
        id: job.id,
        init: json('PUT', { cron: '0 7 * * *' }, { 'If-Match': `"v${job.version}"` }),
      };
    },
    invalid: async () => ({
      id: (await newJob()).id,
      init: json('PUT', { cron: '0 7 * * *' }, { 'If-Match': 'nonsense' }),
    }),
  },
  deleteJob: {
    valid: async () => ({ id: (await newJob()).id, init: { method: 'DELETE' } }),
    invalid: () => ({ id: 'no-such-job', init: { method: 'DELETE' } }),
  },
  toggleJob: {
    valid: async () => ({ id: (await newJob()).id, init: post }),
    invalid: () => ({ id: 'no-such-job', init: post }),
  },
  runJobNow: {
    valid: async () => ({ id: (await newJob()).id, init: post }),
    invalid: async () => ({ id: (await newJob()).id, query: '?cancel_next=maybe', init: post }),
  },
  listJobFires: {
    valid: async () => ({ id: (await newJob()).id }),
    invalid: async () => ({ id: (await newJob()).id, query: '?from=yesterday' }),
  },
  listFires: { valid: () => ({}), invalid: () => ({ query: '?to=soon' }) },
  listJobNextFires: {
    valid: async () => ({ id: (await newJob()).id, query: '?count=3' }),
    invalid: async () => ({ id: (await newJob()).id, query: '?count=0' }),
  },
  getNextRun: { valid: () => ({}), invalid: () => unknownQuery },
  getScheduleCalendar: {
    valid: () => ({ query: '?from=2026-03-01&to=2026-03-14' }),
    invalid: () => ({ query: '?from=2026-03-14&to=2026-03-01' }),
  },
  getScheduleSettings: { valid: () => ({}), invalid: () => unknownQuery },
  updateScheduleSettings: {
    valid: () => ({ init: json('PATCH', { overlap: 'skip' }) }),
    invalid: () => ({ init: json('PATCH', { overlap: 'sometimes' }) }),
  },
  listSchedulePresets: { valid: () => ({}), invalid: () => unknownQuery },

  addUpload: {
    valid: () => ({ init: uploadForm() }),
    invalid: () => ({ init: json('POST', { file: 'colors' }) }),
  },
  listUploads: {
    valid: () => ({ query: '?status=pending' }),
    invalid: () => ({ query: '?status=lost' }),
  },
  getUploadTemplate: {
    valid: () => ({ query: '?format=csv' }),
    invalid: () => ({ query: '?format=pdf' }),
  },
  getUpload: {
    valid: async () => ({ id: (await newUpload()).id }),
    invalid: () => ({ id: '%00' }),
  },
  getUploadOriginal: {
    valid: async () => ({ id: (await newUpload()).id }),
    invalid: () => ({ id: 'no-such-upload' }),
  },
  cancelUpload: {
    valid: async () => ({ id: (await newUpload()).id, init: post }),
    invalid: () => ({ id: 'no-such-upload', init: post }),
  },
  clearUploads: { valid: () => ({ init: post }), invalid: () => ({ ...unknownQuery, init: post }) },
};

/** The operation a legacy (deprecated) path answers as. */
const LEGACY: Record<string, string> = {
  legacyListRestoreRuns: 'listRuns',
  legacyRollbackRun: 'hideRun',
  legacyListCronJobs: 'listJobs',
  legacyCreateCronJob: 'createJob',
  legacyUpdateCronJob: 'updateJob',
  legacyDeleteCronJob: 'deleteJob',
  legacyToggleCronJob: 'toggleJob',
  legacyRunCronJobNow: 'runJobNow',
  legacyListCronLogs: 'listFires',
  legacyUploadExcel: 'addUpload',
  legacyClearManualColors: 'clearUploads',
  legacyManualColorsTemplate: 'getUploadTemplate',
};

let doc: { openapi: string; paths: Record<string, Record<string, Operation>> };
const operations: { method: string; path: string; op: Operation }[] = [];

beforeAll(async () => {
  t = await openTestApp();
  expect((await t.request('/api/runs', post)).status).toBe(201); // run 1
  doc = (await (await t.request('/openapi.json')).json()) as typeof doc;
  for (const [path, methods] of Object.entries(doc.paths))
    for (const [method, op] of Object.entries(methods)) operations.push({ method, path, op });
});
afterAll(() => t.close());

describe('/openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toMatch(/^3\.1\./);
    const result = await new Validator().validate(doc as never);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
  });

  it('gives every operation a summary, a tag, its parameters, request and response schemas and its error responses', () => {
    expect(operations.length).toBeGreaterThan(50);
    for (const { method, path, op } of operations) {
      const where = `${method.toUpperCase()} ${path}`;
      expect(op.summary, where).toBeTruthy();
      expect(op.tags?.length, where).toBeGreaterThan(0);
      for (const name of path.match(/\{(\w+)\}/g) ?? [])
        expect(
          op.parameters?.some((p) => `{${p.name}}` === name && p.in === 'path' && p.schema),
          where,
        ).toBe(true);
      for (const media of Object.values(op.requestBody?.content ?? {}))
        expect(media.schema, where).toBeDefined();
      const success = Object.entries(op.responses).filter(([status]) => status.startsWith('2'));
      expect(success.length, where).toBeGreaterThan(0);
      for (const [, response] of success)
        for (const media of Object.values(response.content ?? {}))
          expect(media.schema, where).toBeDefined();
      for (const status of ['400', '404', '409', '413', '415', '422', '500'])
        expect(
          op.responses[status]?.content?.['application/json']?.schema,
          `${where} ${status}`,
        ).toBeDefined();
      if (op.operationId.startsWith('legacy')) expect(op.deprecated, where).toBe(true);
    }
  });
});

describe('every operation', () => {
  const call = async (method: string, template: string, c: Call) => {
    const path = template.replace('{id}', String(c.id ?? ''));
    return t.request(`${path}${c.query ?? ''}`, { method: method.toUpperCase(), ...c.init });
  };

  it('answers a valid request with 2xx and an invalid one with 4xx in the error format', async () => {
    const missing = operations.filter(({ op }) => !CASES[LEGACY[op.operationId] ?? op.operationId]);
    expect(missing.map(({ op }) => op.operationId)).toEqual([]);
    for (const { method, path, op } of operations) {
      const testCase = CASES[LEGACY[op.operationId] ?? op.operationId] as Case;
      const where = `${op.operationId}: ${method.toUpperCase()} ${path}`;
      const valid = await call(method, path, await testCase.valid());
      expect(valid.status, `${where} valid: ${await valid.clone().text()}`).toBeGreaterThanOrEqual(
        200,
      );
      expect(valid.status, `${where} valid: ${await valid.clone().text()}`).toBeLessThan(300);
      await valid.arrayBuffer();
      const invalid = await call(method, path, await testCase.invalid());
      const text = await invalid.text();
      expect(invalid.status, `${where} invalid: ${text}`).toBeGreaterThanOrEqual(400);
      expect(invalid.status, `${where} invalid: ${text}`).toBeLessThan(500);
      const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
      expect(typeof body.error?.code, `${where} invalid: ${text}`).toBe('string');
      expect(typeof body.error?.message, `${where} invalid: ${text}`).toBe('string');
    }
  });
});
