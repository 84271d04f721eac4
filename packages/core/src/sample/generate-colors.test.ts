import { describe, expect, it } from 'vitest';
import { DEFAULT_BIAS_RANKS } from '../columns/default-columns.js';
import { isValidCusip } from '../cusip.js';
import { parseRecords } from '../parse/parse-records.js';
import { colorsToTable, generateColors } from './generate-colors.js';

describe('generateColors', () => {
  const records = generateColors({ rows: 20_000, seed: 5, businessDate: '2026-03-13' });

  it('is deterministic by seed', () => {
    expect(generateColors({ rows: 300, seed: 5 })).toEqual(generateColors({ rows: 300, seed: 5 }));
    expect(generateColors({ rows: 300, seed: 6 })).not.toEqual(
      generateColors({ rows: 300, seed: 5 }),
    );
  });

  it('makes 17-digit MESSAGE_IDs shared across CUSIPs and valid CUSIPs', () => {
    expect(records).toHaveLength(20_000);
    expect(records.every((r) => /^\d{17}$/.test(r.MESSAGE_ID))).toBe(true);
    expect(records.every((r) => isValidCusip(r.CUSIP))).toBe(true);
    const cusipsPerMessage = new Map<string, Set<string>>();
    for (const r of records)
      cusipsPerMessage.set(
        r.MESSAGE_ID,
        (cusipsPerMessage.get(r.MESSAGE_ID) ?? new Set()).add(r.CUSIP),
      );
    expect([...cusipsPerMessage.values()].some((s) => s.size > 1)).toBe(true);
  });

  it('makes groups of 1–36 rows, ~17 sources, several sectors', () => {
    const sizes = new Map<string, number>();
    for (const r of records) sizes.set(r.CUSIP, (sizes.get(r.CUSIP) ?? 0) + 1);
    const values = [...sizes.values()];
    expect(Math.min(...values)).toBe(1);
    expect(Math.max(...values)).toBeLessThanOrEqual(36);
    expect(Math.max(...values)).toBeGreaterThan(20);
    expect(new Set(records.map((r) => r.SOURCE)).size).toBe(17);
    expect(new Set(records.map((r) => r.SECTOR)).size).toBeGreaterThanOrEqual(6);
  });

  it('keeps the fields consistent: RANK from BIAS, PX = BID else ASK, coverage math, DATE_1 spread', () => {
    const close = (a: unknown, b: number) => typeof a === 'number' && Math.abs(a - b) < 0.0051;
    const inconsistent = records.filter((r) => {
      if (
        r.RANK !== DEFAULT_BIAS_RANKS[r.BIAS] ||
        r.PX !== (r.BID !== 0 ? r.BID : r.ASK) ||
        r.DATE !== '2026-03-13'
      )
        return true;
      if (r.PX === 0 || r.COV_PRICE === null)
        return r.PERCENT_DIFF !== null || r.PRICE_DIFF !== null;
      const px = r.PX as number;
      const cov = r.COV_PRICE as number;
      const threshold = r.SECTOR === 'CLO-EQUITY' ? 5 : 2;
      return (
        !close(r.PRICE_DIFF, px - cov) ||
        !close(r.PERCENT_DIFF, (Math.abs(px - cov) / cov) * 100) ||
        r.DIFF_STATUS !==
          ((r.PERCENT_DIFF as number) > threshold ? 'Significant Difference' : 'Small Difference')
      );
    });
    expect(inconsistent).toEqual([]);
    expect(new Set(records.map((r) => r.DATE_1)).size).toBeGreaterThanOrEqual(4);
  });

  it('parses back from its table without a single error, blank ranks derived', () => {
    const { records: parsed, errors } = parseRecords(
      colorsToTable(records, { blankRankShare: 0.1 }),
    );
    expect(errors).toEqual([]);
    expect(parsed).toEqual(records);
  });
});
