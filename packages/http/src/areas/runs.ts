import { createRoute, z } from '@hono/zod-openapi';
import {
  type ExportSelection,
  exportRunRowSet,
  exportSelection,
  listRuns,
  MarketPulseError,
  type RunRowFilter,
  type RunRowSet,
  readRunRecord,
  readRunRowSet,
  ruleNamesOf,
  setRunHidden,
} from '@market-pulse/core';
import { changeBy } from '../change-by.js';
import type { AppDependencies } from '../dependencies.js';
import { download, Format, fileResponse } from '../downloads.js';
import { IdempotencyHeaders, PageQuery, pageOf, pageSchema } from '../http-conventions.js';
import { idempotent } from '../idempotency.js';
import { area, jsonResponse, operationsOf, withLegacyPaths } from '../operations.js';

const RunId = z.object({
  id: z.coerce
    .number()
    .int()
    .min(1)
    .max(9_999_999_999)
    .openapi({ param: { name: 'id', in: 'path' }, example: 1, description: 'The RUN_ID' }),
});
const RunRecord = z
  .looseObject({
    id: z.number().int(),
    status: z.string(),
    trigger: z.string(),
    businessDate: z.string(),
    counts: z.record(z.string(), z.unknown()),
  })
  .openapi('RunRecord');
const RunListing = z
  .looseObject({
    id: z.number().int(),
    state: z.enum(['committed', 'running', 'unknown', 'unreadable']),
  })
  .openapi('RunListing');
const RunDetail = RunRecord.extend({ ruleNames: z.record(z.string(), z.string()) }).openapi(
  'RunDetail',
);
const Row = z.record(z.string(), z.unknown()).openapi('Row');

const RowFilterQuery = PageQuery.extend({
  cusip: z
    .string()
    .regex(/^[A-Za-z0-9*@#]{1,12}$/, 'a CUSIP: up to 12 letters, digits, * @ #')
    .optional(),
  sector: z.string().max(200).optional(),
  origin: z.string().max(300).optional().openapi({ description: 'source, or upload:<id>' }),
});
const FILTERS: Record<RunRowSet, z.ZodObject> = {
  rows: RowFilterQuery,
  excluded: RowFilterQuery.extend({
    rule: z.string().max(300).optional().openapi({ description: "The rule's id or name" }),
  }),
  errors: PageQuery.extend({
    origin: z.string().max(300).optional(),
    column: z.string().max(200).optional(),
  }),
};
const SUMMARY: Record<RunRowSet, string> = {
  rows: "A run's output rows",
  excluded: "The rows a run's rules excluded, each with the rule and its witness",
  errors: "The rows a run's inputs could not read: input, row, column, value, reason",
};

/** Runs: list, show, row sets, exports, hide/restore, run now. */
export function runsArea(deps: AppDependencies) {
  const app = area();
  const op = operationsOf(deps);
  const tags = ['runs'];

  withLegacyPaths(
    app,
    [{ path: '/api/restore/runs', operationId: 'legacyListRestoreRuns' }],
    op(
      createRoute({
        method: 'get',
        path: '/api/runs',
        operationId: 'listRuns',
        summary: 'The runs, newest first: committed (with status), running, never started',
        tags,
        request: { query: PageQuery },
        responses: { 200: jsonResponse(pageSchema(RunListing, 'RunPage'), 'A page of runs') },
      }),
    ),
    async (c) => c.json(pageOf(await listRuns(deps.store), c.req.valid('query')), 200),
  );

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/runs/{id}',
        operationId: 'getRun',
        summary: 'One committed run: status, counts, rule names',
        tags,
        request: { params: RunId },
        responses: { 200: jsonResponse(RunDetail, 'The run') },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid('param');
      const record = await readRunRecord(deps.store, id);
      if (!record)
        throw new MarketPulseError(
          'NOT_FOUND',
          `run ${id} has not committed (it is running, died, or never existed)`,
          {
            details: { runId: id },
          },
        );
      return c.json({ ...record, ruleNames: await ruleNamesOf(deps.store, record) }, 200);
    },
  );

  for (const set of ['rows', 'excluded', 'errors'] as const) {
    app.openapi(
      op(
        createRoute({
          method: 'get',
          path: `/api/runs/{id}/${set}`,
          operationId: `listRun${set[0]?.toUpperCase()}${set.slice(1)}`,
          summary: SUMMARY[set],
          tags,
          request: { params: RunId, query: FILTERS[set] },
          responses: { 200: jsonResponse(pageSchema(Row, `Run${set}Page`), 'A page of rows') },
        }),
      ),
      async (c) => {
        const { id } = c.req.valid('param');
        const { skip, limit, ...filter } = c.req.valid('query') as unknown as {
          skip: number;
          limit: number;
        } & RunRowFilter;
        const { rows } = await readRunRowSet(deps.store, id, set, filter, c.get('scope'));
        return c.json(pageOf(rows, { skip, limit }), 200);
      },
    );
    app.openapi(
      op(
        createRoute({
          method: 'get',
          path: `/api/runs/{id}/${set}/export`,
          operationId: `exportRun${set[0]?.toUpperCase()}${set.slice(1)}`,
          summary: `${SUMMARY[set]}, as an xlsx or CSV file`,
          tags,
          request: { params: RunId, query: z.object({ format: Format }) },
          responses: { 200: fileResponse('The file') },
        }),
      ),
      async (c) => {
        const { id } = c.req.valid('param');
        const { format } = c.req.valid('query');
        const exported = await exportRunRowSet(
          { store: deps.store, codec: deps.codec },
          id,
          set,
          format,
          { scope: c.get('scope') },
        );
        return download(c, exported, format, `run-${id}-${set}`);
      },
    );
  }

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/exports',
        operationId: 'exportColors',
        summary:
          'The output rows of one run, one business date or a date range, as xlsx (with a Parents sheet) or CSV',
        tags,
        request: {
          query: z.object({
            run: z.coerce.number().int().min(1).optional(),
            date: z
              .string()
              .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date written YYYY-MM-DD')
              .optional(),
            from: z
              .string()
              .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date written YYYY-MM-DD')
              .optional(),
            to: z
              .string()
              .regex(/^\d{4}-\d{2}-\d{2}$/, 'a date written YYYY-MM-DD')
              .optional(),
            format: Format,
          }),
        },
        responses: { 200: fileResponse('The file') },
      }),
    ),
    async (c) => {
      const q = c.req.valid('query');
      const given = [
        q.run !== undefined,
        q.date !== undefined,
        q.from !== undefined || q.to !== undefined,
      ];
      if (given.filter(Boolean).length !== 1 || (q.from === undefined) !== (q.to === undefined))
        throw new MarketPulseError(
          'VALIDATION_ERROR',
          'choose what to export: run=N, date=YYYY-MM-DD, or from=…&to=… (never all history)',
          {
            details: { reason: 'selection' },
          },
        );
      const selection: ExportSelection =
        q.run !== undefined
          ? { run: q.run }
          : q.date !== undefined
            ? { date: q.date }
            : { from: q.from as string, to: q.to as string };
      // The rows come from the host's resident index when it holds every run selected.
      const exported = await exportSelection(
        { store: deps.store, codec: deps.codec, resident: deps.dashboard },
        selection,
        q.format,
        { scope: c.get('scope') },
      );
      const name =
        'run' in selection
          ? `run-${selection.run}`
          : 'date' in selection
            ? selection.date
            : `${selection.from}_${selection.to}`;
      return download(c, exported, q.format, `colors-${name}`);
    },
  );

  for (const [verb, hidden] of [
    ['hide', true],
    ['restore', false],
  ] as const) {
    withLegacyPaths(
      app,
      hidden ? [{ path: '/api/restore/rollback/{id}', operationId: 'legacyRollbackRun' }] : [],
      op(
        createRoute({
          method: 'post',
          path: `/api/runs/{id}/${verb}`,
          operationId: `${verb}Run`,
          summary: hidden
            ? "Hide a run's rows from every view and export (reversible)"
            : "Bring a hidden run's rows back into the views and exports",
          tags,
          request: { params: RunId },
          responses: {
            200: jsonResponse(
              z
                .object({
                  run: z.number().int(),
                  hidden: z.boolean(),
                  viewVersion: z.number().int(),
                })
                .openapi('RunVisibility'),
              'The run is hidden or visible; the exports were refreshed',
            ),
          },
        }),
      ),
      async (c) => {
        const { id } = c.req.valid('param');
        const manifest = await setRunHidden(
          { store: deps.store, clock: deps.clock },
          id,
          hidden,
          c.get('principal').actor,
        );
        await deps.pipeline.refreshExports();
        return c.json({ run: id, hidden, viewVersion: manifest.version }, 200);
      },
    );
  }

  app.openapi(
    op(
      createRoute({
        method: 'post',
        path: '/api/runs',
        operationId: 'runNow',
        summary: 'Run now: the configured source and the pending uploads, with every active rule',
        tags,
        request: { headers: IdempotencyHeaders },
        responses: {
          201: jsonResponse(
            z
              .object({
                record: RunRecord,
                exports: z.array(z.string()),
                warnings: z.array(z.string()),
              })
              .openapi('RunResult'),
            'The run committed (its status says whether it succeeded)',
          ),
        },
      }),
    ),
    async (c) => {
      const key = c.req.valid('header')['idempotency-key'];
      const result = await idempotent(deps, c, 'run-now', key, '', async () => {
        const run = await deps.pipeline.run({ trigger: 'manual', requestedBy: changeBy(c).actor });
        return { status: 201, body: run };
      });
      return c.json(result.body as never, 201);
    },
  );
  return app;
}
