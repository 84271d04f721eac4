// @ts-check
/**
 * Layer check for the Market Pulse packages (`pnpm check:layers`). DESIGN.md §1: core is pure (no
 * I/O, no Node), adapters are thin and sit on top of it.
 *
 * Every rule below is a path pattern on folders, not a list of today's files, so it keeps holding
 * when files move or new service folders appear. The rules, as written:
 *
 * Everywhere (packages/<name>/src)
 *   - no-circular: no import cycle, type-only imports included (a type cycle still ties two
 *     modules together and is where a runtime cycle starts).
 *   - resolve-relative-imports: every relative import resolves to a file. (Guards this check
 *     itself: an import it cannot resolve is an import none of the rules below can see.)
 *
 * Between packages
 *   - core-no-node-builtins: packages/core/src imports no Node builtin (`node:fs`, `fs`, …).
 *     Test files included: core's tests import no builtin today, they use the same stores and
 *     clocks as the code. (They do use Node globals such as `process` and `setImmediate`, which
 *     tsconfig.test.json allows; this rule is about imports.)
 *   - core-only-portable-packages: core imports only the npm packages listed here (zod, @noble/hashes, fflate,
 *     cron-parser, the common-password list of @zxcvbn-ts (plain data), jose (Web Crypto); vitest and fast-check from `testing/` and tests). A Node-only package (exceljs,
 *     pino, …) cannot slip in; adding a package means adding it here after checking that it runs
 *     in any JS runtime.
 *   - core-no-other-workspace-packages: core imports no other package of this repository (nor
 *     itself by name: that would bind the source to its own build output).
 *   - node-not-cli: packages/node imports nothing from packages/cli.
 *   - cli-not-store-kit: packages/cli imports nothing of `@market-pulse/core/store` (store keys,
 *     documents, leases, the run protocol): the CLI calls core's services.
 *   - http-not-store-kit: likewise packages/http (the API is one more host of the same services),
 *     and it imports nothing of packages/cli.
 *   - file-store-entry-without-spreadsheets: nothing reachable from packages/node/src/file-store.ts
 *     (the `@market-pulse/node/file-store` entry) loads exceljs, csv-parse, csv-stringify or yauzl.
 *
 * Inside core (packages/core/src), layers from low to high; a module may import its own layer and
 * lower ones, never a higher one:
 *   1. domain: errors.ts, cusip.ts, columns/, parse/, rank/, rules/ (except rules/rule-store.ts),
 *      export/, format/, ports/, and the pure schedule math: schedule/{cron,zoned-time,fire-times,
 *      desk-form,job,due-fires}.ts
 *   2. store kit: store/ (conditional-write building blocks and the store layout)
 *   3. run protocol: run/ except run/run-automation.ts
 *   4. services: everything else — views/, uploads/, the schedule stores and scheduler,
 *      run/run-automation.ts, rules/rule-store.ts, and new folders (pipeline/, exports/, sources/,
 *      search/, status/, dry-run/…) land here by default.
 *   Outside the stack: index.ts and store/index.ts (the entry barrels of `@market-pulse/core` and
 *   `@market-pulse/core/store`); testing/ and sample/ (shipped
 *   entry points `@market-pulse/core/testing` and `/sample`) may import anything in core.
 *   - core-not-to-testing: no core module outside testing/ imports testing/ (test files may).
 *   - core-sample-only-from-testing: only testing/ imports sample/ (and test files).
 *   Test files (*.test.ts) are exempt from the layer rules, not from the rules above them.
 *
 */

const core = '^packages/core/src/';
const testFile = '\\.test\\.ts$';

// Layers inside core, as path patterns relative to packages/core/src/.
const layers = {
  domain: [
    'errors\\.ts$',
    'cusip\\.ts$',
    'columns/',
    'parse/',
    'rank/',
    'rules/(?!rule-store\\.ts$)',
    'export/',
    'format/',
    'ports/',
    'schedule/(cron|zoned-time|fire-times|desk-form|job|due-fires)\\.ts$',
  ],
  storeKit: ['store/(?!index\\.ts$)'],
  runProtocol: ['run/(?!run-automation\\.ts$)'],
};
const inCore = (patterns) => patterns.map((pattern) => `${core}${pattern}`);
const domain = inCore(layers.domain);
const upToStoreKit = [...domain, ...inCore(layers.storeKit)];
const upToRunProtocol = [...upToStoreKit, ...inCore(layers.runProtocol)];

// npm packages core may import, and from where.
// @noble/hashes: pure JavaScript (SHA-256 for sector file names), no Node APIs.
const portablePackages = ['zod', 'cron-parser', '@noble/hashes', 'fflate', '@zxcvbn-ts/language-common', '@zxcvbn-ts/dictionary-compression', 'jose'];
const testOnlyPackages = ['vitest', 'fast-check'];
const npmPath = (names) => names.map((name) => `(^|/)node_modules/${name}/`);

/** A rule that keeps a core layer from importing anything in core above it. */
const layerRule = (name, comment, from, allowed) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from, pathNot: testFile },
  to: { path: core, pathNot: allowed },
});

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Import cycles (type-only imports included) make layers meaningless.',
      severity: 'error',
      from: { path: '^packages/[^/]+/src/' },
      to: { circular: true },
    },
    {
      name: 'resolve-relative-imports',
      comment: 'An import the check cannot resolve is one no rule can see.',
      severity: 'error',
      from: { path: '^packages/[^/]+/(src|test)/' },
      to: { couldNotResolve: true, path: '^\\.' },
    },
    {
      name: 'core-no-node-builtins',
      comment: 'Core runs in any JS runtime and does no I/O: time, storage, etc. come through ports.',
      severity: 'error',
      from: { path: core },
      to: { dependencyTypes: ['core'] },
    },
    {
      name: 'core-only-portable-packages',
      comment: `Core imports only ${portablePackages.join(', ')} (and ${testOnlyPackages.join(', ')} from testing/ and tests).`,
      severity: 'error',
      from: { path: core, pathNot: [`${core}testing/`, testFile] },
      to: {
        dependencyTypesNot: ['local', 'core'],
        // Workspace packages and unresolved relative imports have rules of their own.
        pathNot: [...npmPath(portablePackages), '^packages/', '^@market-pulse/', '^\\.'],
      },
    },
    {
      name: 'core-only-portable-packages-in-tests',
      comment: `Core's testing/ and tests import only ${[...portablePackages, ...testOnlyPackages].join(', ')}.`,
      severity: 'error',
      from: { path: [`${core}testing/`, `${core}.*${testFile}`] },
      to: {
        dependencyTypesNot: ['local', 'core'],
        pathNot: [
          ...npmPath([...portablePackages, ...testOnlyPackages]),
          '^packages/',
          '^@market-pulse/',
          '^\\.',
        ],
      },
    },
    {
      name: 'core-no-other-workspace-packages',
      comment: 'Core depends on no other package of this repository, nor on its own build output.',
      severity: 'error',
      from: { path: core },
      to: { path: ['^packages/(?!core/src/)', '^@market-pulse/'] },
    },
    {
      name: 'file-store-entry-without-spreadsheets',
      comment:
        '@market-pulse/node/file-store is for programs that only need the store: it must not load the spreadsheet libraries.',
      severity: 'error',
      from: { path: '^packages/node/src/file-store\\.ts$' },
      to: { path: '(^|/)node_modules/(exceljs|csv-parse|csv-stringify|yauzl)/', reachable: true },
    },
    {
      name: 'cli-not-store-kit',
      comment:
        'The CLI is translation: it calls core services and knows no store keys or protocols (the store kit is for adapters).',
      severity: 'error',
      from: { path: '^packages/cli/src/' },
      to: { path: '(^@market-pulse/core/store$|^packages/core/(src|dist)/store/)' },
    },
    {
      name: 'http-not-store-kit',
      comment:
        'The HTTP API is translation: its handlers call core services and know no store keys or protocols.',
      severity: 'error',
      from: { path: '^packages/http/(src|test)/' },
      to: {
        path: [
          '(^@market-pulse/core/store$|^packages/core/(src|dist)/store/)',
          '^packages/cli/',
          '^@market-pulse/cli(/|$)',
        ],
      },
    },
    {
      name: 'node-not-cli',
      comment: 'The Node adapters sit below the CLI.',
      severity: 'error',
      from: { path: '^packages/node/' },
      to: { path: ['^packages/cli/', '^@market-pulse/cli(/|$)'] },
    },
    layerRule(
      'core-domain-imports-only-domain',
      'Layer 1 (domain) imports nothing above it: no store, run protocol or service.',
      domain,
      domain,
    ),
    layerRule(
      'core-store-kit-below-run-and-services',
      'Layer 2 (store kit) imports only the domain and itself.',
      inCore(layers.storeKit),
      upToStoreKit,
    ),
    layerRule(
      'core-run-protocol-below-services',
      'Layer 3 (run protocol) imports only the store kit, the domain and itself.',
      inCore(layers.runProtocol),
      upToRunProtocol,
    ),
    {
      name: 'core-not-to-testing',
      comment: '`@market-pulse/core/testing` is for tests: shipped core code never depends on it.',
      severity: 'error',
      from: { path: core, pathNot: [`${core}testing/`, testFile] },
      to: { path: `${core}testing/` },
    },
    {
      name: 'core-sample-only-from-testing',
      comment: 'Sample data feeds tests, demos and benchmarks: only testing/ imports it.',
      severity: 'error',
      from: { path: core, pathNot: [`${core}(testing|sample)/`, testFile] },
      to: { path: `${core}sample/` },
    },
  ],
  options: {
    // Workspace packages resolve to their build output (packages/<name>/dist) when built, or stay
    // unresolved (`@market-pulse/<name>`) when not: the rules match both, so the check needs no
    // build first. Neither node_modules nor dist is cruised further.
    doNotFollow: { path: ['(^|/)node_modules/', '^packages/[^/]+/dist/'] },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.base.json' },
    enhancedResolveOptions: {
      exportsFields: ['exports'],
      conditionNames: ['import', 'types', 'default'],
      extensions: ['.ts', '.js'],
      mainFields: ['module', 'main', 'types', 'typings'],
    },
    skipAnalysisNotInRules: true,
  },
};
