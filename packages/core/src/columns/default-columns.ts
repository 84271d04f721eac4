import { type ColumnConfig, type ColumnInput, defineColumns } from './column-config.js';

const text = (
  name: string,
  displayName: string,
  headerRequired: boolean,
  allowEmpty: boolean,
  extra: Partial<ColumnInput> = {},
): ColumnInput => ({
  name,
  displayName,
  type: 'text',
  headerRequired,
  allowEmpty,
  ...extra,
});
const num = (
  name: string,
  displayName: string,
  headerRequired: boolean,
  extra: Partial<ColumnInput> = {},
): ColumnInput => ({
  name,
  displayName,
  type: 'number',
  headerRequired,
  allowEmpty: true,
  ...extra,
});

/** The default column configuration of SPEC §1.1, in export order. */
export const DEFAULT_COLUMNS: readonly ColumnInput[] = Object.freeze([
  {
    name: 'MESSAGE_ID',
    displayName: 'Message ID',
    type: 'id',
    headerRequired: true,
    allowEmpty: false,
    constraints: { pattern: '^[0-9]+$' },
    aliases: ['MSG_ID', 'MESSAGEID'],
    description: '17-digit message id; not unique (one message quotes many CUSIPs). Always text.',
  },
  text('TICKER', 'Ticker', true, true, {
    description: 'Shelf/series/class, e.g. WDMNT 2022-9A ER.',
  }),
  text('SECTOR', 'Sector', true, false, {
    description: 'e.g. MM-CLO, 2.0_Mezz. Drives permissions and per-sector exports.',
  }),
  text('CUSIP', 'CUSIP', true, false, {
    description: 'Grouping key; stored trimmed and upper-cased.',
  }),
  {
    name: 'DATE',
    displayName: 'Date',
    type: 'date',
    headerRequired: true,
    allowEmpty: false,
    description: 'Extraction/color date.',
  },
  num('PRICE_LEVEL', 'Price Level', true, {
    zeroMeansEmpty: true,
    description: '0 means no price.',
  }),
  num('BID', 'Bid', false, { zeroMeansEmpty: true, description: '0 means no bid.' }),
  num('ASK', 'Ask', false, { zeroMeansEmpty: true, description: '0 means no ask.' }),
  num('PX', 'Price', true, {
    zeroMeansEmpty: true,
    aliases: ['PRICE'],
    description: 'Ranking price: BID if present, else ASK. 0 means no price.',
  }),
  text('SOURCE', 'Source', true, false, { description: 'Contributing dealer/bank.' }),
  text('BIAS', 'Bias', true, false, {
    description: 'Color type: TRADE CONFIRM, BWIC COVER, BID, OFFER, …',
  }),
  {
    name: 'RANK',
    displayName: 'Rank',
    type: 'integer',
    headerRequired: true,
    allowEmpty: false,
    constraints: { min: 1, max: 6 },
    description: '1–6; derived from BIAS when empty.',
  },
  num('COV_PRICE', 'Coverage Price', false, { description: 'Coverage (reference) price.' }),
  num('PERCENT_DIFF', 'Percent Diff', false, {
    aliases: ['% DIFF'],
    description: '|PX−COV|/COV×100.',
  }),
  num('PRICE_DIFF', 'Price Diff', false, { description: 'PX − COV_PRICE.' }),
  {
    name: 'CONFIDENCE',
    displayName: 'Confidence',
    type: 'integer',
    headerRequired: false,
    allowEmpty: true,
    constraints: { min: 0, max: 10 },
  },
  {
    name: 'DATE_1',
    displayName: 'Quote Date',
    type: 'date',
    headerRequired: false,
    allowEmpty: true,
    aliases: ['DATE 1'],
    description: "The quote's own business date.",
  },
  text('DIFF_STATUS', 'Diff Status', false, true, {
    description: 'Significant Difference / Small Difference.',
  }),
]);

/** The default configuration, validated. */
export const defaultColumnConfig: ColumnConfig = defineColumns(DEFAULT_COLUMNS);

/** RANK derived from BIAS when the RANK cell is empty (SPEC §1.1). Keys are upper-case, single-spaced. */
export const DEFAULT_BIAS_RANKS: Readonly<Record<string, number>> = Object.freeze({
  'TRADE CONFIRM': 1,
  'BWIC COVER': 2,
  BID: 3,
  MARKET: 3,
  BUYER: 3,
  COLOR: 3,
  DNT: 3,
  'DNT BEST': 3,
  'BWIC REO': 3,
  OFFER: 4,
  'BWIC TALK': 5,
  VALUATION: 6,
});

/** The normalised form of a BIAS value used to look up its rank. */
export function biasKey(bias: string): string {
  return bias.trim().replace(/\s+/g, ' ').toUpperCase();
}
