import { createMemoryMailer } from '@market-pulse/core/testing';
import { Validator } from '@seriousme/openapi-schema-validator';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { colorsCsv, openTestApp, TEST_PASSWORD } from './app-fixture.js';

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
/** A new account with a password (for the operations that end its sessions). */
const newAccount = async () => {
  const email = `walker${names++}@test.example.com`;
  await created('/api/admin/users', {
    email,
    name: 'Walker',
    role: 'viewer',
    password: TEST_PASSWORD,
  });
  const res = await t.request('/api/auth/login', json('POST', { email, password: TEST_PASSWORD }));
  const tokens = (await res.json()) as { accessToken: string; refreshToken: string };
  return { email, ...tokens, authorization: `Bearer ${tokens.accessToken}` };
};
const mailer = createMemoryMailer();
/** A reset token, as mailed for a new account. */
const resetToken = async () => {
  const { email } = await newAccount();
  await t.request('/api/auth/forgot-password', json('POST', { email }));
  let token = '';
  await vi.waitFor(
    () => {
      const mail = mailer.sent.find((m) => m.to.includes(email));
      token = decodeURIComponent(/token=(\S+)/.exec(mail?.text ?? '')?.[1] ?? '');
      expect(token).not.toBe('');
    },
    { timeout: 10_000 },
  );
  return token;
};
const newApiKey = () =>
  created('/api/admin/api-keys', { name: `walk key ${names++}`, role: 'viewer' });
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

const walkColumn = {
  displayName: 'Walk note',
  type: 'text',
  headerRequired: false,
  allowEmpty: true,
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

  login: {
    valid: () => ({
      init: json('POST', { email: 'admin@test.example.com', password: TEST_PASSWORD }),
    }),
    invalid: () => ({ init: json('POST', { email: 5 }) }),
  },
  refreshToken: {
    valid: async () => ({
      init: json('POST', { refreshToken: (await newAccount()).refreshToken }),
    }),
    invalid: () => ({ init: json('POST', { refreshToken: 'mpr_forged' }) }),
  },
  logout: {
    valid: async () => ({
      init: { method: 'POST', headers: { authorization: (await newAccount()).authorization } },
    }),
    invalid: () => ({ ...unknownQuery, init: post }),
  },
  getMe: { valid: () => ({}), invalid: () => unknownQuery },
  changePassword: {
    valid: async () => ({
      init: json(
        'PUT',
        { currentPassword: TEST_PASSWORD, newPassword: `${TEST_PASSWORD} changed` },
        { authorization: (await newAccount()).authorization },
      ),
    }),
    invalid: () => ({ init: json('PUT', { currentPassword: 'x' }) }),
  },
  forgotPassword: {
    valid: () => ({ init: json('POST', { email: 'nobody@test.example.com' }) }),
    invalid: () => ({ init: json('POST', {}) }),
  },
  resetPassword: {
    valid: async () => ({
      init: json('POST', { token: await resetToken(), newPassword: `${TEST_PASSWORD} reset` }),
    }),
    invalid: () => ({ init: json('POST', { token: 'mprt_forged', newPassword: 'x' }) }),
  },
  register: {
    valid: () => ({
      init: json('POST', { email: `reg${names++}@test.example.com`, name: 'R', role: 'viewer' }),
    }),
    invalid: () => ({ init: json('POST', { email: 'reg@test.example.com' }) }),
  },
  listUsers: { valid: () => ({}), invalid: () => ({ query: '?skip=-1' }) },
  getUser: {
    valid: () => ({ id: 'admin@test.example.com' }),
    invalid: () => ({ id: 'nobody@test.example.com' }),
  },
  createUser: {
    valid: () => ({
      init: json('POST', { email: `new${names++}@test.example.com`, name: 'N', role: 'user' }),
    }),
    invalid: () => ({
      init: json('POST', { email: 'n@test.example.com', name: 'N', role: 'god' }),
    }),
  },
  updateUser: {
    valid: async () => ({
      id: (await newAccount()).email,
      init: json('PATCH', { name: 'Renamed' }),
    }),
    invalid: async () => ({
      id: (await newAccount()).email,
      init: json('PATCH', { name: 'Renamed' }, { 'if-match': '"v99"' }),
    }),
  },
  setUserPassword: {
    valid: async () => ({
      id: (await newAccount()).email,
      init: json('PUT', { password: `${TEST_PASSWORD} set` }),
    }),
    invalid: async () => ({
      id: (await newAccount()).email,
      init: json('PUT', { password: 'short' }),
    }),
  },
  deleteUser: {
    valid: async () => ({ id: (await newAccount()).email, init: { method: 'DELETE' } }),
    invalid: () => ({ id: 'nobody@test.example.com', init: { method: 'DELETE' } }),
  },
  listApiKeys: { valid: () => ({}), invalid: () => ({ query: '?limit=0' }) },
  createApiKey: {
    valid: () => ({ init: json('POST', { name: 'walk', role: 'viewer' }) }),
    invalid: () => ({ init: json('POST', { name: 'walk', role: 'god' }) }),
  },
  revokeApiKey: {
    valid: async () => ({ id: (await newApiKey()).id, init: { method: 'DELETE' } }),
    invalid: () => ({ id: 'not-a-key', init: { method: 'DELETE' } }),
  },
  listEntitlements: { valid: () => ({}), invalid: () => unknownQuery },
  setEntitlement: {
    valid: () => ({ id: 'CLO', init: json('PUT', { sectors: ['CLO Mezz'] }) }),
    invalid: () => ({ id: 'CLO', init: json('PUT', { sectors: [] }) }),
  },
  deleteEntitlement: {
    valid: () => ({ id: 'CLO', init: { method: 'DELETE' } }),
    invalid: () => ({ id: '*', init: { method: 'DELETE' } }),
  },
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
  getCloMappings: { valid: () => ({}), invalid: () => unknownQuery },
  replaceCloMappings: {
    valid: () => ({
      init: json('PUT', { defaultColumns: '*', types: { CLO: { columns: ['PX'] } } }),
    }),
    invalid: () => ({
      init: json('PUT', { defaultColumns: '*', types: { CLO: { columns: ['NOPE'] } } }),
    }),
  },
  resetCloMappings: {
    valid: () => ({ init: post }),
    invalid: () => ({ query: '?type=NO_SUCH_TYPE', init: post }),
  },
  replaceColumns: {
    valid: async () => {
      const res = await t.request('/api/columns');
      const { columns } = (await res.json()) as { columns: unknown[] };
      return { init: json('PUT', { columns }, { 'If-Match': res.headers.get('etag') as string }) };
    },
    invalid: () => ({ init: json('PUT', { columns: [] }) }),
  },
  putColumn: {
    valid: () => ({ id: 'WALK_NOTE', init: json('PUT', walkColumn) }),
    invalid: () => ({ id: 'PX', init: json('PUT', walkColumn) }),
  },
  deleteColumn: {
    valid: async () => {
      expect(
        (
          await t.request(
            '/api/columns/WALK_GONE',
            json('PUT', { ...walkColumn, displayName: 'Walk gone' }),
          )
        ).status,
      ).toBe(200);
      return { id: 'WALK_GONE', init: { method: 'DELETE' } };
    },
    invalid: () => ({ id: 'CUSIP', init: { method: 'DELETE' } }),
  },
  resetColumns: {
    valid: () => ({ init: post }),
    invalid: () => ({ init: { method: 'POST', headers: { 'If-Match': '"v999"' } } }),
  },

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

  dryRunRulesOnRun: {
    valid: () => ({ id: 1, init: json('POST', { samples: 2 }) }),
    invalid: () => ({ id: 999, init: json('POST', {}) }),
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
  searchColors: {
    valid: () => ({ query: '?identifier=WDMNT&limit=5' }),
    invalid: () => ({ query: '?identifier=US0378331006&kind=isin' }),
  },
  exportSearch: {
    valid: () => ({ query: '?identifier=WDMNT&format=csv' }),
    invalid: () => ({ query: '?identifier=X&format=pdf' }),
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
  legacySearchByIdentifier: 'searchColors',
};

let doc: { openapi: string; paths: Record<string, Record<string, Operation>> };
const operations: { method: string; path: string; op: Operation }[] = [];

beforeAll(async () => {
  t = await openTestApp({ mailer });
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
    const path = template.replace(/\{\w+\}/, encodeURIComponent(String(c.id ?? '')));
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
