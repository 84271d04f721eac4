import { createRoute, z } from '@hono/zod-openapi';
import {
  ALWAYS_VISIBLE_COLUMNS,
  mappableColumns,
  readCloMappings,
  replaceCloMappings,
  resetCloMappings,
} from '@market-pulse/core';
import type { AppDependencies } from '../dependencies.js';
import { IfMatchHeaders, tagVersion, withIfMatch } from '../http-conventions.js';
import { area, jsonBody, jsonResponse, operationsOf } from '../operations.js';

const Columns = z
  .union([z.literal('*'), z.array(z.string())])
  .openapi({ description: '`*` for every column, else column names (any case)', example: ['PX'] });
const CloType = z
  .object({
    parent: z.string().optional().openapi({ description: 'The main type of a subtype' }),
    columns: Columns.optional().openapi({
      description: 'The columns seen; a subtype without them inherits its main type’s',
    }),
  })
  .openapi('CloType');
const CloMappingsInput = z
  .object({
    defaultColumns: Columns.openapi({ description: 'The columns of a user without a CLO type' }),
    types: z.record(z.string(), CloType),
  })
  .openapi('CloMappingsInput');
const CloMappings = CloMappingsInput.extend({
  version: z.number().int().openapi({ description: '0 until an admin changes the defaults' }),
  updatedAt: z.string().optional(),
  updatedBy: z.string().optional(),
  columns: z.array(z.string()).openapi({ description: 'The column names a mapping may name' }),
  alwaysVisible: z.array(z.string()).openapi({ description: 'Columns every reader sees' }),
}).openapi('CloMappings');

/**
 * The CLO mappings (SPEC §10): which columns each CLO type sees, edited by admins. Versioned:
 * `If-Match` with the ETag read refuses a stale change (412).
 */
export function cloMappingsArea(deps: AppDependencies) {
  const app = area();
  const op = operationsOf(deps);
  const tags = ['accounts'];
  const withColumns = <T extends { version: number }>(mappings: T) => ({
    ...mappings,
    columns: mappableColumns(),
    alwaysVisible: [...ALWAYS_VISIBLE_COLUMNS],
  });

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/admin/clo-mappings',
        operationId: 'getCloMappings',
        summary: 'The CLO types, their subtypes and the columns each sees (ETag: the version)',
        tags,
        responses: { 200: jsonResponse(CloMappings, 'The mappings') },
      }),
    ),
    async (c) => {
      const mappings = await readCloMappings(deps.store);
      tagVersion(c, mappings.version);
      return c.json(withColumns(mappings), 200);
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'put',
        path: '/api/admin/clo-mappings',
        operationId: 'replaceCloMappings',
        summary:
          'Replace the CLO mappings (If-Match: the version you read); unknown columns are refused',
        tags,
        request: {
          headers: IfMatchHeaders,
          ...jsonBody(CloMappingsInput, 'The default columns and every type'),
        },
        responses: { 200: jsonResponse(CloMappings, 'The mappings as stored') },
      }),
    ),
    async (c) => {
      const mappings = await withIfMatch(c.req.valid('header')['if-match'], (version) =>
        replaceCloMappings(
          { store: deps.store, clock: deps.clock },
          c.req.valid('json'),
          c.get('principal').actor,
          version,
        ),
      );
      tagVersion(c, mappings.version);
      return c.json(withColumns(mappings), 200);
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'post',
        path: '/api/admin/clo-mappings/reset',
        operationId: 'resetCloMappings',
        summary:
          'Reset to the default: one type (?type=…: a subtype inherits again) or every mapping',
        tags,
        request: {
          headers: IfMatchHeaders,
          query: z.object({ type: z.string().min(1).max(100).optional() }),
        },
        responses: { 200: jsonResponse(CloMappings, 'The mappings as stored') },
      }),
    ),
    async (c) => {
      const { type } = c.req.valid('query');
      const mappings = await withIfMatch(c.req.valid('header')['if-match'], (expectedVersion) =>
        resetCloMappings({ store: deps.store, clock: deps.clock }, c.get('principal').actor, {
          ...(type !== undefined ? { type } : {}),
          ...(expectedVersion !== undefined ? { expectedVersion } : {}),
        }),
      );
      tagVersion(c, mappings.version);
      return c.json(withColumns(mappings), 200);
    },
  );
  return app;
}
