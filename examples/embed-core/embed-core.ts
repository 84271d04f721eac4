// Embedding the core library in another service: core does no I/O of its own, so the host hands it
// ports — here Node's file store from @market-pulse/node, the system clock and random ids — and
// calls its services directly: store init, a run over parsed rows, search and a dry run.
import { randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  dryRunStoredRun,
  initializeStore,
  listRules,
  parseRecords,
  runAutomation,
  searchCurrentView,
} from '@market-pulse/core';
import { createFileStore, systemClock } from '@market-pulse/node';

/** Rows as another service might hold them (a header and cells), e.g. from its own database. */
const HEADER = [
  'MESSAGE_ID',
  'TICKER',
  'SECTOR',
  'CUSIP',
  'DATE',
  'PRICE_LEVEL',
  'PX',
  'SOURCE',
  'BIAS',
  'RANK',
];
const ROWS = [
  [
    '17734228894978519',
    'WDMNT 2022-9A ER',
    'MM-CLO',
    '037833100',
    '2026-03-13',
    '98.5',
    '98.5',
    'JPM',
    'BID',
    '',
  ],
  [
    '17734228894978520',
    'WDMNT 2022-9A ER',
    'MM-CLO',
    '037833100',
    '2026-03-13',
    '99',
    '99',
    'CITI',
    'TRADE CONFIRM',
    '',
  ],
  [
    '17734228894978521',
    'OCP 2020-8RA D',
    '2.0_Mezz',
    '67707AAQ9',
    '2026-03-13',
    '0',
    '0',
    'DZ BANK',
    'VALUATION',
    '',
  ],
];

/** What the embedded run did. */
export interface EmbedOutcome {
  runId: number;
  excluded: number;
  output: number;
  /** Rows of the CUSIP found by search (parent and children). */
  found: number;
  /** Excluded by the dry run of the stored rules against the run's own inputs: the run's count. */
  dryRunExcluded: number;
}

/** Runs Market Pulse's core inside this process over a data folder. */
export async function embedCore(dataDir: string): Promise<EmbedOutcome> {
  const store = createFileStore({ dir: join(dataDir, 'store') });
  const deps = { store, clock: systemClock, ids: { nextId: () => randomUUID() } };
  // A new store gets one rule; an existing one keeps its own.
  await initializeStore(store, {
    rules: [
      {
        id: 'no-valuations',
        name: 'No valuations',
        active: true,
        priority: 1,
        when: { field: 'BIAS', op: 'equal_to', value: 'VALUATION' },
      },
    ],
  });
  // The one parser: every row is read by the column configuration, errors are explicit.
  const parsed = parseRecords({ header: HEADER, rows: ROWS });
  if (parsed.errors.length > 0)
    throw new Error(`unreadable rows: ${JSON.stringify(parsed.errors)}`);
  const record = await runAutomation(deps, {
    trigger: 'manual',
    businessDate: '2026-03-13',
    inputs: [{ origin: 'source', processingType: 'AUTOMATED', records: parsed.records }],
  });
  const found = await searchCurrentView(store, '037833100');
  const dry = await dryRunStoredRun(store, {
    runId: record.id,
    rules: await listRules(store),
    processedAt: systemClock.now().toISOString(),
  });
  return {
    runId: record.id,
    excluded: record.counts.excluded,
    output: record.counts.output,
    found: found.rows.length,
    dryRunExcluded: dry.counts.excluded,
  };
}

// `node --import tsx examples/embed-core/embed-core.ts [data folder]`
if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const outcome = await embedCore(process.argv[2] ?? 'embedded-data');
  console.log(JSON.stringify(outcome, null, 2));
}
