import { DEFAULT_BIAS_RANKS, DEFAULT_COLUMNS } from '../columns/default-columns.js';
import { cusipCheckDigit } from '../cusip.js';
import {
  type CalendarDate,
  calendarDateToDays,
  daysToCalendarDate,
} from '../parse/calendar-date.js';
import type { ColorRecord } from '../parse/record.js';

/** How many colors {@link generateColors} makes, from which seed, for which business date. */
export interface GenerateOptions {
  /** Number of rows. */
  rows: number;
  /** Same seed, same rows (default 1). */
  seed?: number;
  /**
   * The extraction date (DATE of every row; default 2026-03-13); DATE_1 spreads over the business
   * days before it.
   */
  businessDate?: CalendarDate;
}

/** mulberry32: small, fast, deterministic. */
function createRandom(seed: number) {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (min: number, max: number) => min + Math.floor(next() * (max - min + 1));
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const weighted = <T>(items: readonly (readonly [T, number])[]): T => {
    const total = items.reduce((s, [, w]) => s + w, 0);
    let r = next() * total;
    for (const [item, w] of items) {
      r -= w;
      if (r < 0) return item;
    }
    return (items[items.length - 1] as readonly [T, number])[0];
  };
  return { next, int, pick, weighted };
}

const SECTORS = [
  ['MM-CLO', 20],
  ['BSL-CLO', 25],
  ['2.0_Mezz', 15],
  ['2.0_Senior', 15],
  ['EURO-CLO', 10],
  ['CLO-EQUITY', 5],
  ['ABS-AUTO', 5],
  ['RMBS', 5],
] as const;
const SOURCES = [
  'JPM',
  'GS',
  'MS',
  'BAML',
  'CITI',
  'BARC',
  'DB',
  'CS',
  'WELLS',
  'NOMURA',
  'MIZUHO',
  'RBC',
  'BNP',
  'SOCGEN',
  'JEFF',
  'PTRUST',
  'DZ BANK',
];
const BIASES = [
  ['BID', 30],
  ['OFFER', 20],
  ['COLOR', 10],
  ['MARKET', 8],
  ['BWIC COVER', 8],
  ['BWIC TALK', 7],
  ['TRADE CONFIRM', 5],
  ['VALUATION', 5],
  ['BUYER', 3],
  ['DNT', 2],
  ['DNT BEST', 1],
  ['BWIC REO', 1],
] as const;
const SHELVES = [
  'WDMNT',
  'OCT',
  'MAGNE',
  'AIMCO',
  'CGMS',
  'BABSN',
  'SNDPT',
  'DRSLF',
  'VOYA',
  'ELMW',
  'RRAM',
  'BLUEM',
];
const CLASSES = ['A', 'AR', 'B', 'BR', 'C', 'CR', 'D', 'DR', 'E', 'ER', 'F', 'SUB'];
const CUSIP_CHARS = '0123456789ABCDEFGHJKLMNPQRSTUVWXYZ';

interface Security {
  cusip: string;
  ticker: string;
  sector: string;
  basePrice: number;
  covPrice: number | null;
  equity: boolean;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

/** Business days (Mon–Fri) ending at `date`, newest first. */
function businessDaysBefore(date: CalendarDate, count: number): CalendarDate[] {
  const days: CalendarDate[] = [];
  for (let d = calendarDateToDays(date); days.length < count; d--) {
    const weekday = (((d + 4) % 7) + 7) % 7;
    if (weekday !== 0 && weekday !== 6) days.push(daysToCalendarDate(d));
  }
  return days;
}

/**
 * Realistic colors, deterministic by seed: 17-digit MESSAGE_IDs shared across CUSIPs (one message
 * quotes several securities, sometimes both sides), CUSIPs with valid check digits, group sizes
 * 1–36, sectors, 17 sources, RANK from BIAS, PX = BID if non-zero else ASK, coverage fields
 * consistent with PX, DATE_1 over the last business days.
 *
 * @example
 * ```ts
 * const records = generateColors({ rows: 5_000, seed: 7 });
 * ```
 */
export function generateColors(options: GenerateOptions): ColorRecord[] {
  const random = createRandom(options.seed ?? 1);
  const businessDate = options.businessDate ?? '2026-03-13';
  const quoteDays = businessDaysBefore(businessDate, 4);

  // Securities with their group sizes; many small groups, a few large ones.
  const slots: Security[] = [];
  const seen = new Set<string>();
  while (slots.length < options.rows) {
    let first8 = '';
    do {
      first8 = Array.from({ length: 8 }, () => random.pick([...CUSIP_CHARS])).join('');
    } while (seen.has(first8));
    seen.add(first8);
    const sector = random.weighted(SECTORS);
    const equity = sector === 'CLO-EQUITY';
    const senior = sector.includes('Senior') || sector === 'ABS-AUTO';
    const basePrice = equity
      ? random.int(20, 80) + random.next()
      : senior
        ? 95 + random.next() * 6
        : 70 + random.next() * 30;
    const security: Security = {
      cusip: `${first8}${cusipCheckDigit(first8)}`,
      ticker: `${random.pick(SHELVES)} ${random.int(2015, 2025)}-${random.int(1, 12)}A ${random.pick(CLASSES)}`,
      sector,
      basePrice,
      covPrice: random.next() < 0.1 ? null : round2(basePrice + (random.next() - 0.5) * 4),
      equity,
    };
    const size = Math.min(36, random.next() < 0.85 ? random.int(1, 8) : random.int(9, 36));
    for (let i = 0; i < size && slots.length < options.rows; i++) slots.push(security);
  }
  for (let i = slots.length - 1; i > 0; i--) {
    const j = Math.floor(random.next() * (i + 1));
    [slots[i], slots[j]] = [slots[j] as Security, slots[i] as Security];
  }

  const records: ColorRecord[] = new Array(slots.length);
  let messageSeq = 0;
  let i = 0;
  while (i < slots.length) {
    // One dealer message: one id, one source and quote date, several securities.
    messageSeq++;
    const messageId = `1773${String(4228894978519 + messageSeq * 7919).padStart(13, '0')}`;
    const source = random.pick(SOURCES);
    const quoteDate = random.pick(quoteDays);
    const messageBias = random.weighted(BIASES);
    const count = random.int(1, 6);
    for (let k = 0; k < count && i < slots.length; k++, i++) {
      const security = slots[i] as Security;
      const bias = random.next() < 0.8 ? messageBias : random.weighted(BIASES);
      const level = round2(security.basePrice + (random.next() - 0.5) * 3);
      const side = bias === 'OFFER' ? 'ask' : bias === 'MARKET' ? 'both' : 'bid';
      const noPrice = random.next() < 0.04;
      const bid = noPrice || side === 'ask' ? 0 : level;
      const ask =
        noPrice || side === 'bid'
          ? random.next() < 0.3
            ? round2(level + 0.5)
            : 0
          : round2(level + 0.5);
      const px = bid !== 0 ? bid : ask;
      const cov = security.covPrice;
      const priced = px !== 0 && cov !== null;
      const percent = priced ? round2((Math.abs(px - cov) / cov) * 100) : null;
      records[i] = {
        MESSAGE_ID: messageId,
        TICKER: security.ticker,
        SECTOR: security.sector,
        CUSIP: security.cusip,
        DATE: businessDate,
        PRICE_LEVEL: random.next() < 0.1 ? 0 : px,
        BID: bid,
        ASK: ask,
        PX: px,
        SOURCE: source,
        BIAS: bias,
        RANK: DEFAULT_BIAS_RANKS[bias] as number,
        COV_PRICE: cov,
        PERCENT_DIFF: percent,
        PRICE_DIFF: priced ? round2(px - cov) : null,
        CONFIDENCE: random.next() < 0.2 ? null : random.int(0, 10),
        DATE_1: random.next() < 0.05 ? null : quoteDate,
        DIFF_STATUS:
          percent === null
            ? null
            : percent > (security.equity ? 5 : 2)
              ? 'Significant Difference'
              : 'Small Difference',
      };
    }
  }
  return records;
}

/**
 * The records as a table of text cells in the default column order — what a CSV of them reads
 * as. `blankRankShare` leaves that share of RANK cells empty (derived from BIAS on parsing).
 */
export function colorsToTable(
  records: readonly ColorRecord[],
  options: { blankRankShare?: number } = {},
): { header: string[]; rows: string[][] } {
  const header = DEFAULT_COLUMNS.map((c) => c.name);
  const blankEvery = options.blankRankShare
    ? Math.max(1, Math.round(1 / options.blankRankShare))
    : 0;
  const rows = records.map((record, index) =>
    header.map((name) => {
      if (name === 'RANK' && blankEvery > 0 && index % blankEvery === 0) return '';
      const value = record[name];
      return value === null || value === undefined ? '' : String(value);
    }),
  );
  return { header, rows };
}
