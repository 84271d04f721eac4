import type { RuleInput } from '../rules/rule-schema.js';

const created = (minute: number) => `2026-01-26T10:${String(minute).padStart(2, '0')}:00.000Z`;

/** Ten active rules of the kinds desks write, over the default columns (benchmarks, examples). */
export const REALISTIC_RULES: readonly RuleInput[] = Object.freeze([
  {
    id: 'no-valuations',
    name: 'No valuations',
    active: true,
    priority: 1,
    createdAt: created(0),
    when: { field: 'BIAS', op: 'equal_to', value: 'VALUATION' },
  },
  {
    id: 'no-dz-bank',
    name: 'Remove DZ Bank',
    active: true,
    priority: 2,
    createdAt: created(1),
    when: { field: 'Source', op: 'eq', value: 'DZ Bank' },
  },
  {
    id: 'ptrust-offers',
    name: 'Performance Trust offers',
    active: true,
    priority: 3,
    createdAt: created(2),
    when: {
      all: [
        { field: 'SOURCE', op: 'equal_to', value: 'PTRUST' },
        { field: 'BIAS', op: 'equal_to', value: 'OFFER' },
      ],
    },
  },
  {
    id: 'unpriced-uncovered',
    name: 'No price and no coverage',
    active: true,
    priority: 4,
    createdAt: created(3),
    when: {
      all: [
        { field: 'PX', op: 'is_empty' },
        { field: 'COV_PRICE', op: 'is_empty' },
      ],
    },
  },
  {
    id: 'low-confidence',
    name: 'Low confidence',
    active: true,
    priority: 5,
    createdAt: created(4),
    when: { field: 'CONFIDENCE', op: 'lt', value: 2 },
  },
  {
    id: 'far-from-coverage',
    name: 'Far from coverage',
    active: true,
    priority: 6,
    createdAt: created(5),
    when: { field: 'PERCENT_DIFF', op: 'greater_than', value: 15 },
  },
  {
    id: 'rmbs-talk',
    name: 'RMBS BWIC talk',
    active: true,
    priority: 7,
    createdAt: created(6),
    when: {
      all: [
        { field: 'SECTOR', op: 'in', value: ['RMBS', 'ABS-AUTO'] },
        { field: 'BIAS', op: 'starts_with', value: 'BWIC T' },
      ],
    },
  },
  {
    id: 'stale-quotes',
    name: 'Stale quotes',
    active: true,
    priority: 8,
    createdAt: created(7),
    when: { field: 'DATE_1', op: 'less_than', value: 'today-3bd' },
  },
  {
    id: 'implausible-px',
    name: 'Implausible price',
    active: true,
    priority: 9,
    createdAt: created(8),
    when: { not: { field: 'PX', op: 'between', value: 130, value2: 5 } },
  },
  {
    id: 'test-tickers',
    name: 'Test tickers',
    active: true,
    priority: 10,
    createdAt: created(9),
    when: {
      any: [
        { field: 'TICKER', op: 'contains', value: 'TEST' },
        { field: 'MESSAGE_ID', op: 'in', value: ['17730000000000001', '17730000000000002'] },
      ],
    },
  },
]);
