import { createRoute, z } from '@hono/zod-openapi';
import {
  type Cell,
  createRule,
  deleteRule,
  dryRunStoredRun,
  getRule,
  importRuleFile,
  listRules,
  localDateAt,
  OPERATORS,
  parseRecords,
  type RuleFields,
  readColumnConfig,
  rulesOfFile,
  setRuleActive,
  testRules,
  updateRule,
} from '@market-pulse/core';
import { changeBy } from '../change-by.js';
import type { AppDependencies } from '../dependencies.js';
import {
  IfMatchHeaders,
  PageQuery,
  pageOf,
  pageSchema,
  tagVersion,
  withIfMatch,
} from '../http-conventions.js';
import { area, jsonBody, jsonResponse, operationsOf } from '../operations.js';

const RuleId = z.object({
  id: z
    .string()
    .min(1)
    .max(200)
    .openapi({ param: { name: 'id', in: 'path' }, description: "The rule's id" }),
});
const Rule = z
  .looseObject({
    id: z.string(),
    name: z.string(),
    active: z.boolean(),
    priority: z.number().int(),
    when: z.unknown(),
    version: z.number().int().optional(),
  })
  .openapi('Rule');
const RuleFieldsSchema = z
  .object({
    name: z.string().min(1).max(500),
    when: z.record(z.string(), z.unknown()).openapi({
      description: 'The condition (SPEC §3): a leaf {field, op, value} or {all|any|not: …}',
      example: { field: 'SOURCE', op: 'equal_to', value: 'DZ BANK' },
    }),
    active: z.boolean().default(true),
    priority: z.number().int().min(-1_000_000).max(1_000_000).optional(),
    description: z.string().max(5000).optional(),
  })
  .openapi('RuleFields');
const Operator = z
  .object({
    op: z.string(),
    aliases: z.array(z.string()),
    types: z.array(z.string()),
    arity: z.string(),
    description: z.string(),
  })
  .openapi('Operator');
const RuleFile = z.unknown().openapi({
  description:
    'A rule file: one rule, an array of rules, {"rules": […]} or the legacy form (SPEC §14)',
  example: {
    rules: [{ name: 'No DZ Bank', when: { field: 'SOURCE', op: 'equal_to', value: 'DZ BANK' } }],
  },
});
const ImportOutcome = z
  .object({
    rules: z.array(Rule),
    report: z.array(
      z.object({
        position: z.number().int(),
        id: z.string().optional(),
        name: z.string().optional(),
        outcome: z.enum(['imported', 'refused']),
        converted: z.boolean(),
        renamedFrom: z.string().optional(),
        messages: z.array(z.string()),
      }),
    ),
  })
  .openapi('RuleImport');
const DryRunRequest = z
  .object({
    rules: RuleFile.optional().openapi({
      description: 'The rules to try (default: the stored active rules)',
    }),
    rows: z
      .array(z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])))
      .min(1)
      .max(100_000)
      .openapi({ description: 'Rows as objects keyed by column header (e.g. CUSIP, SOURCE, PX)' }),
    samples: z.number().int().min(0).max(100).default(5),
  })
  .openapi('DryRunRequest');
const DryRunResult = z
  .looseObject({
    rows: z.number().int(),
    excluded: z.number().int(),
    kept: z.number().int(),
    byRule: z.record(z.string(), z.number()),
    ruleNames: z.record(z.string(), z.string()),
    rowErrors: z.array(z.unknown()),
  })
  .openapi('DryRunResult');

const RunId = z.object({
  id: z.coerce
    .number()
    .int()
    .min(1)
    .max(9_999_999_999)
    .openapi({ param: { name: 'id', in: 'path' }, example: 1, description: 'The RUN_ID' }),
});
const StoredRunDryRunRequest = z
  .object({
    rules: RuleFile.optional().openapi({
      description:
        'The rules to try, active or not (default: the stored rules as a run applies them, the active ones)',
    }),
    samples: z.number().int().min(0).max(100).default(5),
  })
  .strict()
  .openapi('StoredRunDryRunRequest');
const Counts = z.looseObject({
  input: z.number().int(),
  invalid: z.number().int(),
  excluded: z.number().int(),
  excludedByRule: z.record(z.string(), z.number()),
  output: z.number().int(),
});
const StoredRunDryRunResult = z
  .object({
    runId: z.number().int(),
    businessDate: z.string(),
    counts: Counts.openapi({ description: "What these rules give on the run's inputs" }),
    recorded: Counts.openapi({ description: 'What the run recorded, for comparison' }),
    ruleNames: z.record(z.string(), z.string()),
    excludedSamples: z.array(z.record(z.string(), z.unknown())),
    keptSamples: z.array(z.record(z.string(), z.unknown())),
  })
  .openapi('StoredRunDryRunResult');

/** Rules: CRUD, toggle, active, operators, dry run, import, export. */
export function rulesArea(deps: AppDependencies) {
  const app = area();
  const op = operationsOf(deps);
  const tags = ['rules'];
  const ruleDeps = { store: deps.store, clock: deps.clock, ids: deps.ids };

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/rules',
        operationId: 'listRules',
        summary: 'Every rule, in stored order',
        tags,
        request: { query: PageQuery },
        responses: { 200: jsonResponse(pageSchema(Rule, 'RulePage'), 'A page of rules') },
      }),
    ),
    async (c) => c.json(pageOf(await listRules(deps.store), c.req.valid('query')), 200),
  );

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/rules/active',
        operationId: 'listActiveRules',
        summary: 'The active rules (those a run applies)',
        tags,
        request: { query: PageQuery },
        responses: {
          200: jsonResponse(pageSchema(Rule, 'ActiveRulePage'), 'A page of active rules'),
        },
      }),
    ),
    async (c) =>
      c.json(
        pageOf(
          (await listRules(deps.store)).filter((r) => r.active),
          c.req.valid('query'),
        ),
        200,
      ),
  );

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/rules/operators',
        operationId: 'listRuleOperators',
        summary: 'Every operator, its aliases and the column types it accepts',
        tags,
        responses: {
          200: jsonResponse(z.object({ operators: z.array(Operator) }), 'The operators'),
        },
      }),
    ),
    (c) =>
      c.json(
        {
          operators: OPERATORS.map((o) => ({ ...o, aliases: [...o.aliases], types: [...o.types] })),
        },
        200,
      ),
  );

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/rules/export',
        operationId: 'exportRules',
        summary: 'The stored rules as a rule file {"rules": […]}',
        tags,
        responses: {
          200: jsonResponse(
            z.object({ rules: z.array(Rule) }).openapi('RuleFile'),
            'The rule file',
          ),
        },
      }),
    ),
    async (c) => c.json({ rules: await listRules(deps.store) }, 200),
  );

  app.openapi(
    op(
      createRoute({
        method: 'get',
        path: '/api/rules/{id}',
        operationId: 'getRule',
        summary: 'One rule (its ETag is its version)',
        tags,
        request: { params: RuleId },
        responses: { 200: jsonResponse(Rule, 'The rule') },
      }),
    ),
    async (c) => {
      const rule = await getRule(deps.store, c.req.valid('param').id);
      tagVersion(c, rule.version ?? 1);
      return c.json(rule, 200);
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'post',
        path: '/api/rules',
        operationId: 'createRule',
        summary: 'Add a rule (validated against the columns and the other rules)',
        tags,
        request: jsonBody(RuleFieldsSchema, 'The rule'),
        responses: { 201: jsonResponse(Rule, 'The rule as stored') },
      }),
    ),
    async (c) => {
      const rule = await createRule(ruleDeps, c.req.valid('json') as RuleFields, changeBy(c));
      tagVersion(c, rule.version ?? 1);
      return c.json(rule, 201);
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'put',
        path: '/api/rules/{id}',
        operationId: 'updateRule',
        summary: "Replace a rule's fields (If-Match: the version you read)",
        tags,
        request: {
          params: RuleId,
          headers: IfMatchHeaders,
          ...jsonBody(RuleFieldsSchema, 'The rule'),
        },
        responses: { 200: jsonResponse(Rule, 'The rule as stored') },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid('param');
      const rule = await withIfMatch(c.req.valid('header')['if-match'], (version) =>
        updateRule(ruleDeps, id, c.req.valid('json') as RuleFields, {
          ...changeBy(c),
          expectedVersion: version,
        }),
      );
      tagVersion(c, rule.version ?? 1);
      return c.json(rule, 200);
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'delete',
        path: '/api/rules/{id}',
        operationId: 'deleteRule',
        summary: 'Remove a rule (If-Match: the version you read)',
        tags,
        request: { params: RuleId, headers: IfMatchHeaders },
        responses: { 200: jsonResponse(z.object({ removed: Rule }), 'The rule removed') },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid('param');
      const removed = await withIfMatch(c.req.valid('header')['if-match'], (version) =>
        deleteRule(ruleDeps, id, { ...changeBy(c), expectedVersion: version }),
      );
      return c.json({ removed }, 200);
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'post',
        path: '/api/rules/{id}/toggle',
        operationId: 'toggleRule',
        summary: 'Activate an inactive rule, deactivate an active one',
        tags,
        request: { params: RuleId, headers: IfMatchHeaders },
        responses: { 200: jsonResponse(Rule, 'The rule as stored') },
      }),
    ),
    async (c) => {
      const { id } = c.req.valid('param');
      const rule = await withIfMatch(c.req.valid('header')['if-match'], async (version) => {
        const current = await getRule(deps.store, id);
        return setRuleActive(ruleDeps, id, !current.active, {
          ...changeBy(c),
          expectedVersion: version ?? current.version,
        });
      });
      tagVersion(c, rule.version ?? 1);
      return c.json(rule, 200);
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'post',
        path: '/api/rules/import',
        operationId: 'importRules',
        summary:
          'Import a rule file rule by rule, with a report (clashing names renamed, invalid rules refused)',
        tags,
        request: jsonBody(RuleFile, 'The rule file'),
        responses: {
          200: jsonResponse(ImportOutcome, 'What was imported and what was refused, rule by rule'),
        },
      }),
    ),
    async (c) => {
      const outcome = await importRuleFile(ruleDeps, c.req.valid('json'), changeBy(c));
      return c.json(outcome, 200);
    },
  );

  app.openapi(
    op(
      createRoute({
        method: 'post',
        path: '/api/rules/dry-run',
        operationId: 'dryRunRules',
        summary:
          'What rules would exclude from the rows given: counts per rule, explained samples; stores nothing',
        tags,
        request: jsonBody(DryRunRequest, 'The rows, and the rules to try'),
        responses: {
          200: jsonResponse(DryRunResult, 'Counts, samples and the rows that could not be read'),
        },
      }),
    ),
    async (c) => {
      const body = c.req.valid('json');
      const columns = await readColumnConfig(deps.store);
      const header = [...new Set(body.rows.flatMap((r) => Object.keys(r)))];
      const parsed = parseRecords(
        {
          header,
          rows: body.rows.map((r) => header.map((h) => (r[h] ?? null) as Cell)),
        },
        { columns },
      );
      const rules = body.rules ?? { rules: (await listRules(deps.store)).filter((r) => r.active) };
      const result = testRules(rules, parsed.records, {
        businessDate: localDateAt(deps.businessTimeZone, deps.clock.now().getTime()),
        samples: body.samples,
        columns,
      });
      return c.json({ ...result, rowErrors: parsed.errors }, 200);
    },
  );
  app.openapi(
    op(
      createRoute({
        method: 'post',
        path: '/api/rules/dry-run/runs/{id}',
        operationId: 'dryRunRulesOnRun',
        summary:
          "What rules would exclude from a stored run's inputs, processed as the run was: counts next to the run's, explained samples; stores nothing",
        tags,
        request: {
          params: RunId,
          ...jsonBody(StoredRunDryRunRequest, 'The rules to try ({} for the stored active rules)'),
        },
        responses: {
          200: jsonResponse(StoredRunDryRunResult, "Counts, the run's own counts and samples"),
        },
      }),
    ),
    async (c) => {
      const body = c.req.valid('json');
      const candidates = body.rules !== undefined;
      const columns = await readColumnConfig(deps.store);
      const result = await dryRunStoredRun(deps.store, {
        runId: c.req.valid('param').id,
        rules: candidates
          ? rulesOfFile(body.rules, { columns })
          : await listRules(deps.store, columns),
        columns,
        use: candidates ? 'all' : 'active',
        processedAt: deps.clock.now().toISOString(),
        samples: body.samples,
        scope: c.get('scope'),
      });
      return c.json(result, 200);
    },
  );
  return app;
}
