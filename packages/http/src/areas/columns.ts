import { createRoute, z } from '@hono/zod-openapi';
import {
  type ColumnDocument,
  type ColumnInput,
  MarketPulseError,
  readColumnDocument,
  resetColumnConfig,
  saveColumnConfig,
} from '@market-pulse/core';
import type { AppDependencies } from '../dependencies.js';
import { IfMatchHeaders, tagVersion, withIfMatch } from '../http-conventions.js';
import { area, jsonBody, jsonResponse, operationsOf } from '../operations.js';

const ColumnFields = {
  displayName: z.string().min(1).max(200),
  type: z.enum(['text', 'id', 'integer', 'number', 'date']),
  headerRequired: z.boolean(),
  allowEmpty: z.boolean(),
  zeroMeansEmpty: z.boolean().optional(),
  constraints: z
    .object({
      min: z.number().optional(),
      max: z.number().optional(),
      pattern: z.string().max(1000).optional(),
      allowedValues: z.array(z.string().max(1000)).max(10_000).optional(),
    })
    .strict()
    .optional(),
  description: z.string().max(5000).optional(),
  aliases: z.array(z.string().min(1).max(200)).max(100).optional(),
};
const ColumnName = z
  .string()
  .min(1)
  .max(100)
  .openapi({ description: 'UPPER_SNAKE_CASE, e.g. ISIN', example: 'ISIN' });
const Column = z
  .object({ name: ColumnName, ...ColumnFields })
  .strict()
  .openapi('Column', { description: 'One column of the configuration (SPEC §1.1)' });
const ColumnConfig = z
  .object({
    columns: z.array(Column),
    version: z.number().int().openapi({ description: '0 while the defaults were never changed' }),
    isDefault: z.boolean(),
    updatedAt: z.string().nullable(),
    updatedBy: z.string().nullable(),
  })
  .openapi('ColumnConfig');
const ColumnList = z
  .object({ columns: z.array(Column).min(1).max(2000) })
  .strict()
  .openapi('ColumnList');
const ColumnPath = z.object({
  id: z
    .string()
    .min(1)
    .max(100)
    .openapi({
      param: { name: 'id', in: 'path' },
      description: "The column's name",
      example: 'ISIN',
    }),
});

/** A column document as the API answers it. */
function bodyOf(doc: ColumnDocument) {
  return {
    columns: doc.config.columns.map((c) => ({ ...c, aliases: [...c.aliases] })),
    version: doc.version,
    isDefault: doc.isDefault,
    updatedAt: doc.updatedAt,
    updatedBy: doc.updatedBy,
  };
}

/**
 * The column configuration (SPEC §1.1): a stored, versioned document the parser, the rules and the
 * exports read (the defaults in a store that never changed it). Every change is checked — core
 * columns keep their name, type and requirements; a change that would break a stored rule is
 * refused with 409 naming the rules — and honours `If-Match` (412 on a stale version).
 */
export function columnsArea(deps: AppDependencies) {
  const app = area();
  const op = operationsOf(deps);
  const tags = ['columns'];
  const columnDeps = { store: deps.store, clock: deps.clock };

  /** Saves `next(current columns)` against the version the caller read (If-Match) or just read. */
  const change = (
    ifMatch: string | undefined,
    actor: string,
    next: (columns: ColumnInput[]) => ColumnInput[],
  ) =>
    withIfMatch(ifMatch, async (expected) => {
      const current = await readColumnDocument(deps.store);
      const columns = current.config.columns.map((c) => ({ ...c, aliases: [...c.aliases] }));
      return saveColumnConfig(columnDeps, next(columns), {
        actor,
        expectedVersion: expected ?? current.version,
      });
    });

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/columns',
        operationId: 'getColumns',
        summary:
          'The column configuration: names, display names, types, aliases (ETag: its version)',
        tags,
        responses: { 200: jsonResponse(ColumnConfig, 'The columns, in export order') },
      }),
    ),
    async (c) => {
      const doc = await readColumnDocument(deps.store);
      tagVersion(c, doc.version);
      return c.json(bodyOf(doc), 200);
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'put',
        path: '/api/columns',
        operationId: 'replaceColumns',
        summary: 'Replace the whole column list (If-Match: the version you read)',
        tags,
        request: {
          headers: IfMatchHeaders,
          ...jsonBody(ColumnList, 'Every column, in export order'),
        },
        responses: { 200: jsonResponse(ColumnConfig, 'The columns as stored') },
      }),
    ),
    async (c) => {
      const doc = await withIfMatch(c.req.valid('header')['if-match'], (expectedVersion) =>
        saveColumnConfig(columnDeps, c.req.valid('json').columns as ColumnInput[], {
          actor: c.get('principal').actor,
          ...(expectedVersion !== undefined ? { expectedVersion } : {}),
        }),
      );
      tagVersion(c, doc.version);
      return c.json(bodyOf(doc), 200);
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'put',
        path: '/api/columns/{id}',
        operationId: 'putColumn',
        summary: 'Add a column, or change one (its aliases, display name, …), keeping the others',
        tags,
        request: {
          params: ColumnPath,
          headers: IfMatchHeaders,
          ...jsonBody(z.object(ColumnFields).strict().openapi('ColumnFields'), 'The column'),
        },
        responses: { 200: jsonResponse(ColumnConfig, 'The columns as stored') },
      }),
    ),
    async (c) => {
      const name = c.req.valid('param').id;
      const column = { name, ...c.req.valid('json') } as ColumnInput;
      const doc = await change(
        c.req.valid('header')['if-match'],
        c.get('principal').actor,
        (columns) =>
          columns.some((col) => col.name === name)
            ? columns.map((col) => (col.name === name ? column : col))
            : [...columns, column],
      );
      tagVersion(c, doc.version);
      return c.json(bodyOf(doc), 200);
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'delete',
        path: '/api/columns/{id}',
        operationId: 'deleteColumn',
        summary: 'Remove a column (refused for core columns, and while a rule uses it)',
        tags,
        request: { params: ColumnPath, headers: IfMatchHeaders },
        responses: { 200: jsonResponse(ColumnConfig, 'The columns as stored') },
      }),
    ),
    async (c) => {
      const name = c.req.valid('param').id;
      const doc = await change(
        c.req.valid('header')['if-match'],
        c.get('principal').actor,
        (columns) => {
          if (!columns.some((col) => col.name === name))
            throw new MarketPulseError('NOT_FOUND', `no column ${name}`, { details: { name } });
          return columns.filter((col) => col.name !== name);
        },
      );
      tagVersion(c, doc.version);
      return c.json(bodyOf(doc), 200);
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'post',
        path: '/api/columns/reset',
        operationId: 'resetColumns',
        summary:
          'Put the default columns of SPEC §1.1 back (a new version; refused while a rule needs a column it drops)',
        tags,
        request: { headers: IfMatchHeaders },
        responses: { 200: jsonResponse(ColumnConfig, 'The columns as stored') },
      }),
    ),
    async (c) => {
      const doc = await withIfMatch(c.req.valid('header')['if-match'], (expectedVersion) =>
        resetColumnConfig(columnDeps, {
          actor: c.get('principal').actor,
          ...(expectedVersion !== undefined ? { expectedVersion } : {}),
        }),
      );
      tagVersion(c, doc.version);
      return c.json(bodyOf(doc), 200);
    },
  );
  return app;
}
