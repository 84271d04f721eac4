import { createRoute, z } from '@hono/zod-openapi';
import {
  encodeRows,
  readColumnConfig,
  SEARCH_KINDS,
  type SearchKind,
  searchCurrentView,
} from '@market-pulse/core';
import type { AppDependencies } from '../dependencies.js';
import { download, Format, fileResponse } from '../downloads.js';
import { PageQuery } from '../http-conventions.js';
import { area, jsonResponse, operationsOf, withLegacyPaths } from '../operations.js';

const SearchQuery = z.object({
  identifier: z
    .string()
    .trim()
    .min(1, 'give a CUSIP, ISIN, MESSAGE_ID or ticker text')
    .max(200)
    .openapi({
      description: 'A CUSIP, an ISIN, a MESSAGE_ID or text of a TICKER',
      example: 'US0378331005',
    }),
  kind: z
    .enum(SEARCH_KINDS as [SearchKind, ...SearchKind[]])
    .default('any')
    .openapi({
      description: 'What the identifier is: any (every kind), cusip, isin, message_id, ticker',
    }),
  expand: z.enum(['true', 'false']).default('true').openapi({
    description:
      'true: every row of each matched CUSIP (parent and children); false: the matching rows only',
  }),
});
const Color = z.record(z.string(), z.unknown()).openapi('SearchRow');
const SearchPage = z
  .object({
    identifier: z.string(),
    cusips: z.array(z.string()),
    total: z.number().int(),
    skip: z.number().int(),
    limit: z.number().int(),
    items: z.array(Color),
  })
  .openapi('SearchPage');

/** Security search over the current view (SPEC §8): by CUSIP, ISIN, MESSAGE_ID or TICKER text. */
export function searchArea(deps: AppDependencies) {
  const app = area();
  const op = operationsOf(deps);
  const tags = ['search'];
  // From the host's resident index (it always holds the current view), with the semantics of
  // the store read path core shares with it; a bare area without one reads the store.
  const search = (
    q: z.output<typeof SearchQuery>,
    scope: Parameters<typeof searchCurrentView>[2],
  ) => {
    const options = { kind: q.kind, expand: q.expand === 'true' };
    return deps.dashboard
      ? deps.dashboard.search(q.identifier, scope, options)
      : searchCurrentView(deps.store, q.identifier, scope, options);
  };

  withLegacyPaths(
    app,
    [{ path: '/api/search/by-identifier', operationId: 'legacySearchByIdentifier' }],
    op(
      createRoute({
        method: 'get',
        path: '/api/search',
        operationId: 'searchColors',
        summary:
          "Find a CUSIP, ISIN (as its CUSIP), MESSAGE_ID or TICKER text in the current view, with each matched CUSIP's whole group",
        tags,
        request: { query: SearchQuery.extend(PageQuery.shape) },
        responses: { 200: jsonResponse(SearchPage, 'The matched CUSIPs and a page of their rows') },
      }),
    ),
    async (c) => {
      const q = c.req.valid('query');
      const result = await search(q, c.get('scope'));
      return c.json(
        {
          identifier: result.identifier,
          cusips: result.cusips,
          total: result.rows.length,
          skip: q.skip,
          limit: q.limit,
          items: result.rows.slice(q.skip, q.skip + q.limit),
        },
        200,
      );
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/search/export',
        operationId: 'exportSearch',
        summary: "A search's rows as a file (xlsx: Colors and Parents sheets; csv)",
        tags,
        request: { query: SearchQuery.extend({ format: Format }) },
        responses: { 200: fileResponse('The rows found') },
      }),
    ),
    async (c) => {
      const q = c.req.valid('query');
      const result = await search(q, c.get('scope'));
      const config = await readColumnConfig(deps.store);
      const bytes = encodeRows(
        deps.codec,
        'output',
        q.format,
        result.rows,
        config,
        c.get('scope').columns,
      );
      return download(c, { bytes, rows: result.rows.length }, q.format, 'search');
    },
  );
  return app;
}
