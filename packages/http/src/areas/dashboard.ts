import { createRoute, z } from '@hono/zod-openapi';
import {
  COLOR_FILTER_COLUMNS,
  type ColorFilterColumn,
  type ColorView,
  createDashboardReader,
  MarketPulseError,
} from '@market-pulse/core';
import type { Context } from 'hono';
import { AnswerCache, type CachedAnswer, scopeKeyOf, scopeTagOf } from '../answer-cache.js';
import type { AppDependencies } from '../dependencies.js';
import { PageQuery, pageSchema } from '../http-conventions.js';
import { area, jsonResponse, operationsOf } from '../operations.js';

const DateText = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date written YYYY-MM-DD');
/** One filter value per column, or several separated by commas (any case). */
const FilterValues = z
  .string()
  .max(2000)
  .refine((v) => ![...v].some((ch) => (ch.codePointAt(0) ?? 0) < 0x20), 'no control characters')
  .optional();
const ColorsQuery = PageQuery.extend({
  view: z.enum(['current', 'history', 'run', 'date']).default('current'),
  run: z.coerce.number().int().min(1).optional().openapi({ description: 'The run of view=run' }),
  date: DateText.optional().openapi({ description: 'The business date of view=date' }),
  date_from: DateText.optional().openapi({ description: 'DATE from (inclusive)' }),
  date_to: DateText.optional().openapi({ description: 'DATE to (inclusive)' }),
  sort: z
    .string()
    .regex(/^[A-Z0-9_]{1,64}$/, 'a column name, e.g. PX')
    .optional(),
  order: z.enum(['asc', 'desc']).default('desc'),
  hierarchy: z.enum(['true', 'false']).default('true'),
  children: z
    .string()
    .regex(/^(all|none|\d{1,4})$/, 'all, none, or how many children per parent, e.g. 5')
    .default('all')
    .openapi({
      description:
        'With hierarchy=true: every child of each parent (all, the default), none, or the first N; unless all, each parent carries childCount (how many it has)',
      example: 'all',
    }),
  ...Object.fromEntries(COLOR_FILTER_COLUMNS.map((c) => [c.toLowerCase(), FilterValues])),
});
const Color = z.record(z.string(), z.unknown()).openapi('Color');
const ColorPage = pageSchema(Color, 'ColorPage')
  .extend({ dataVersion: z.number().int() })
  .openapi('ColorPageWithVersion');
const Stats = z
  .object({
    dataVersion: z.number().int(),
    today: z.object({ date: z.string(), rows: z.number().int() }),
    monthly: z.array(z.object({ month: z.string(), rows: z.number().int() })),
    nextRun: z
      .looseObject({ jobId: z.string(), at: z.string(), secondsToGo: z.number() })
      .nullable(),
    output: z.object({
      rows: z.number().int(),
      parents: z.number().int(),
      cusips: z.number().int(),
    }),
    sectors: z.array(z.string()),
  })
  .openapi('DashboardStats');

/**
 * The ETag of a colors answer: the data version and the reader's scope (readers of different
 * sectors or columns get different bodies at one version). Unchanged data and scope answer
 * `If-None-Match` with 304.
 */
const dataTag = (version: number, scopeKey: string) => `"d${version}-${scopeTagOf(scopeKey)}"`;
/**
 * Scoped answers differ by who asks and are kept compressed: a shared cache must key them by the
 * token and the accepted encoding.
 */
const VARY = 'Accept-Encoding, Authorization';

/** Whether an `If-None-Match` header names `tag` (weak or strong, in a list, or `*`). */
const matchesTag = (header: string | undefined, tag: string) =>
  header !== undefined &&
  (header.trim() === '*' || header.split(',').some((t) => t.trim().replace(/^W\//, '') === tag));

/** The dashboard: colors in a view (filters, sort, pages, hierarchy) and its figures. */
export function dashboardArea(deps: AppDependencies) {
  const app = area();
  const op = operationsOf(deps);
  const tags = ['dashboard'];
  // The resident index the host owns (createApp always passes one); a bare area makes its own.
  const dashboard =
    deps.dashboard ??
    createDashboardReader({
      store: deps.store,
      clock: deps.clock,
      businessTimeZone: deps.businessTimeZone,
      freshnessMs: 0,
    });
  // A page asked again at the same data version, by a reader of the same scope, is sent as built
  // (and as compressed: the tag names the version and the scope).
  const answers = new AnswerCache(64 * 1024 * 1024);
  /** Sends a kept answer in the encoding the client accepts, with its length (no streaming). */
  const send = async (c: Context, key: string, answer: CachedAnswer, tag: string) => {
    const { bytes, encoding } = await answers.encode(key, answer, c.req.header('accept-encoding'));
    return c.body(bytes as Uint8Array<ArrayBuffer>, 200, {
      'Content-Type': 'application/json',
      'Content-Length': String(bytes.byteLength),
      // A compressed form is another representation: weak, as Hono's compress marks it.
      ETag: encoding ? `W/${tag}` : tag,
      Vary: VARY,
      ...(encoding ? { 'Content-Encoding': encoding } : {}),
    }) as never;
  };

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/dashboard/colors',
        operationId: 'listColors',
        summary:
          'Processed colors in the current, history, run or business-date view: filters, sort, pages, parents with their children or flat; ETag = data version and reader scope (Vary: Authorization)',
        tags,
        request: { query: ColorsQuery },
        responses: {
          200: jsonResponse(ColorPage, 'A page of colors'),
          304: {
            description:
              'Not modified: If-None-Match names the current data version (and the same scope)',
          },
        },
      }),
    ),
    async (c) => {
      // Polling costs at most one small read (none within the freshness window).
      const scopeKey = scopeKeyOf(c.get('scope'));
      const current = dataTag(await dashboard.dataVersion(), scopeKey);
      if (matchesTag(c.req.header('if-none-match'), current)) {
        c.header('ETag', current);
        c.header('Vary', VARY);
        return c.body(null, 304);
      }
      const scope = c.get('scope');
      const query = new URL(c.req.url).search;
      const known = answers.get(`${current}\u0000${query}`);
      if (known !== undefined) return send(c, `${current}\u0000${query}`, known, current);
      const q = c.req.valid('query') as z.infer<typeof ColorsQuery> &
        Record<string, string | undefined>;
      const view: ColorView =
        q.view === 'run'
          ? { view: 'run', run: required(q.run, 'run', 'view=run needs run=N') }
          : q.view === 'date'
            ? { view: 'date', date: required(q.date, 'date', 'view=date needs date=YYYY-MM-DD') }
            : { view: q.view };
      const filters: Partial<Record<ColorFilterColumn, string[]>> = {};
      for (const column of COLOR_FILTER_COLUMNS) {
        const value = q[column.toLowerCase()];
        if (value)
          filters[column] = value
            .split(',')
            .map((v) => v.trim())
            .filter((v) => v !== '');
      }
      const page = await dashboard.colors(
        view,
        {
          filters,
          ...(q.date_from ? { dateFrom: q.date_from } : {}),
          ...(q.date_to ? { dateTo: q.date_to } : {}),
          ...(q.sort ? { sort: q.sort } : {}),
          order: q.order,
          skip: q.skip,
          limit: q.limit,
          hierarchy: q.hierarchy === 'true',
        },
        scope,
      );
      if (q.hierarchy === 'true' && q.children !== 'all')
        page.items = page.items.map((parent) =>
          withChildren(parent, q.children === 'none' ? 0 : Number(q.children)),
        );
      const tag = dataTag(page.dataVersion, scopeKey);
      const key = `${tag}\u0000${query}`;
      return send(c, key, answers.set(key, JSON.stringify(page)), tag);
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/dashboard/stats',
        operationId: 'getDashboardStats',
        summary:
          "Monthly counts (12 months), today's count (business time zone), next run, output stats, available sectors, data version",
        tags,
        responses: { 200: jsonResponse(Stats, 'The figures') },
      }),
    ),
    async (c) => {
      // No data-version ETag: secondsToGo changes every second (the body's digest is the tag).
      // Counts and sectors of the reader's own rows only: a shared cache keys them by the token.
      c.header('Vary', 'Authorization');
      return c.json(await dashboard.stats(c.get('scope')), 200);
    },
  );
  return app;
}

/** A parent with its first `limit` children and how many it has (`childCount`). */
function withChildren<T extends { children?: unknown[] }>(parent: T, limit: number): T {
  const children = parent.children ?? [];
  return { ...parent, children: children.slice(0, limit), childCount: children.length };
}

function required<T>(value: T | undefined, field: string, message: string): T {
  if (value === undefined)
    throw new MarketPulseError('VALIDATION_ERROR', message, {
      details: { field: `query.${field}` },
    });
  return value;
}
