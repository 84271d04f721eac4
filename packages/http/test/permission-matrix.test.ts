import { createRoute } from '@hono/zod-openapi';
import type { Role } from '@market-pulse/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ACCESS_TABLE, type Access, accessOf, reaches } from '../src/access-table.js';
import { operationsOf } from '../src/operations.js';
import { openTestApp } from './app-fixture.js';

/**
 * The permission matrix of issue 13, generated from /openapi.json: every operation × {anonymous,
 * viewer, user, admin} is called and must be allowed (neither 401 nor 403) or denied (401 for
 * anonymous, 403 otherwise) exactly as the access table says. A new operation that the table does
 * not classify fails here (and the app refuses to build).
 */

let t: Awaited<ReturnType<typeof openTestApp>>;
let operations: { method: string; path: string; operationId: string }[] = [];
beforeAll(async () => {
  t = await openTestApp();
  const doc = (await (await t.request('/openapi.json')).json()) as {
    paths: Record<string, Record<string, { operationId: string }>>;
  };
  operations = Object.entries(doc.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({ method, path, operationId: op.operationId })),
  );
});
afterAll(() => t.close());

type Caller = 'anonymous' | Role;
const CALLERS: readonly Caller[] = ['anonymous', 'viewer', 'user', 'admin'];

/** What the table says a caller gets: allowed, or the status of the refusal. */
const expected = (access: Access, caller: Caller): 'allow' | 401 | 403 => {
  if (access === 'public') return 'allow';
  if (caller === 'anonymous') return 401;
  return reaches({ role: caller }, access) ? 'allow' : 403;
};

describe('the permission matrix', () => {
  it('classifies exactly the operations of /openapi.json', () => {
    const ids = operations.map((o) => o.operationId).sort();
    expect(ids.length).toBeGreaterThan(70);
    expect(Object.keys(ACCESS_TABLE).sort()).toEqual(ids);
  });

  it('every operation × anonymous, viewer, user, admin answers as the table says', async () => {
    const outcomes: string[] = [];
    const wanted: string[] = [];
    for (const { method, path, operationId } of operations) {
      const access = accessOf(operationId);
      for (const caller of CALLERS) {
        // A fresh session per call: logout or a password change must not sign the next call out.
        const authorization =
          caller === 'anonymous' ? undefined : `Bearer ${(await t.signInAs(caller)).accessToken}`;
        const res = await t.app.request(path.replace(/\{\w+\}/g, 'x'), {
          method: method.toUpperCase(),
          headers: authorization ? { authorization } : {},
        });
        await res.arrayBuffer();
        const got = res.status === 401 || res.status === 403 ? res.status : 'allow';
        outcomes.push(`${operationId} ${caller}: ${got}`);
        wanted.push(`${operationId} ${caller}: ${expected(access, caller)}`);
      }
    }
    expect(outcomes).toEqual(wanted);
  }, 300_000);

  it('an operation the table does not classify makes the app refuse to build', () => {
    const op = operationsOf(t.deps);
    expect(() =>
      op(
        createRoute({
          method: 'get',
          path: '/api/something-new',
          operationId: 'somethingNew',
          summary: 'not classified',
          tags: ['x'],
          responses: { 200: { description: 'ok' } },
        }),
      ),
    ).toThrow(/somethingNew is not in the access table/);
  });
});
