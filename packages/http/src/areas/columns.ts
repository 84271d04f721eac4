import { createRoute, z } from '@hono/zod-openapi';
import { defaultColumnConfig } from '@market-pulse/core';
import type { AppDependencies } from '../dependencies.js';
import { area, jsonResponse, operationsOf } from '../operations.js';

const Column = z
  .looseObject({
    name: z.string(),
    displayName: z.string(),
    type: z.enum(['text', 'id', 'integer', 'number', 'date']),
    headerRequired: z.boolean(),
    allowEmpty: z.boolean(),
    aliases: z.array(z.string()),
  })
  .openapi('Column');

/**
 * The column configuration, read-only: it is fixed by the code today (the default columns of SPEC
 * §1.1). Changing it (with 409 naming the rules a change would break) needs a stored
 * configuration that every reader uses — the parser, rules, exports — which is a core change of
 * its own.
 */
export function columnsArea(deps: AppDependencies) {
  const app = area();
  const op = operationsOf(deps);
  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/columns',
        operationId: 'getColumns',
        summary:
          'The column configuration: names, display names, types, aliases (read-only for now)',
        tags: ['columns'],
        responses: {
          200: jsonResponse(
            z.object({ columns: z.array(Column) }).openapi('ColumnConfig'),
            'The columns',
          ),
        },
      }),
    ),
    (c) =>
      c.json(
        {
          columns: defaultColumnConfig.columns.map((column) => ({
            ...column,
            aliases: [...column.aliases],
          })),
        },
        200,
      ),
  );
  return app;
}
