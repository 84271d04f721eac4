import { afterAll, beforeAll, expect, it } from 'vitest';
import { colorsCsv, openTestApp } from './app-fixture.js';

let t: Awaited<ReturnType<typeof openTestApp>>;
beforeAll(async () => {
  t = await openTestApp();
});
afterAll(() => t.close());

it.each([
  ['../../etc/passwd.csv'],
  ['a\u0000b.csv'],
  [`${'x'.repeat(400)}.csv`],
  ['colors.txt'],
  ['noextension'],
  ['C:\\temp\\colors.csv'],
])('an upload named %j is answered without a 5xx and without naming server paths', async (name) => {
  const form = new FormData();
  form.append('file', new File([colorsCsv(3, name.length)], name));
  const res = await t.request('/api/uploads', { method: 'POST', body: form });
  const text = await res.text();
  expect(res.status, text).toBeLessThan(500);
  expect(text).not.toContain('market-pulse-http-');
});
